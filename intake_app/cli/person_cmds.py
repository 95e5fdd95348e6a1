"""``intake persons …``: HQ's person registry (issue 14): candidates, link, unlink, distinct, list, show, name."""

from __future__ import annotations

import argparse
from typing import Any

from intake_app.cli.context import Context
from intake_app.display import clean_text, json_text
from intake_app.errors import RefusedError, UsageError
from intake_app.persons import candidates as cand
from intake_app.persons import facts, registry
from intake_app.vault.vault import Vault

SubParsers = argparse._SubParsersAction  # argparse exposes no public name for it


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a score between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a score between 0 and 1")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a positive whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("a positive whole number")
    return value


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    g = sub.add_parser("persons", help="HQ's person registry: the same person across testimonies", parents=[common])
    gsub = g.add_subparsers(dest="persons_command", required=True, metavar="COMMAND")
    p = gsub.add_parser("candidates", help="pairs of mentions that may be one person, best first", parents=[common])
    p.add_argument("--min-score", type=_score, default=0.5, metavar="S", help="lowest score shown (default 0.5)")
    p.add_argument("--limit", type=_positive, metavar="N")
    p.add_argument("--lang", choices=("en", "ko"), default="en",
                   help="language of the reasons in text output and in the JSON key 'reasons' (default en); "
                        "'reasons_i18n' always holds both")
    p.set_defaults(func=cmd_candidates)
    p = gsub.add_parser("link", help="join mentions (TESTIMONY_ID/VICTIM_ID) into one person", parents=[common])
    p.add_argument("mentions", nargs="+", metavar="MENTION")
    p.add_argument("--person", metavar="PID", help="join this existing person")
    p.add_argument("--reason", metavar="TEXT")
    p.set_defaults(func=cmd_link)
    p = gsub.add_parser("unlink", help="take a mention out of its person", parents=[common])
    p.add_argument("mention", metavar="MENTION")
    p.add_argument("--reason", metavar="TEXT")
    p.set_defaults(func=cmd_unlink)
    p = gsub.add_parser("distinct", help='"not the same person": the pair is not proposed again', parents=[common])
    p.add_argument("a", metavar="MENTION")
    p.add_argument("b", metavar="MENTION")
    p.add_argument("--reason", metavar="TEXT", required=True)
    p.set_defaults(func=cmd_distinct)
    p = gsub.add_parser("list", help="every person and how many mentions it has", parents=[common])
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("show", help="a person's mentions and merged facts, with sources and disagreements",
                        parents=[common])
    p.add_argument("person", metavar="PID")
    p.set_defaults(func=cmd_show)
    p = gsub.add_parser("name", help="set the preferred name (Hangul and romanised) of a person", parents=[common])
    p.add_argument("person", metavar="PID")
    p.add_argument("--hangul", metavar="TEXT")
    p.add_argument("--roman", metavar="TEXT")
    p.add_argument("--reason", metavar="TEXT")
    p.set_defaults(func=cmd_name)


def _open_hq(ctx: Context) -> Vault:
    vault = ctx.open_vault()
    if vault.role != "hq":
        vault.lock()
        raise RefusedError("the person registry is kept at HQ; this is a field vault")
    return vault


def _side(c: cand.Candidate, which: str) -> dict[str, Any]:
    feat, person = (c.a, c.person_a) if which == "a" else (c.b, c.person_b)
    return {"mention": feat["m"], "testimony": feat["t"], "names": feat["names"], "person": person,
            "reference": feat.get("src")}  # issue 31: the source of a reference person, else None


def candidate_json(c: cand.Candidate, lang: str = "en") -> dict[str, Any]:
    """One candidate as ``intake persons candidates --json`` prints it: ``reasons`` is the issue's list of strings (in
    ``lang``), ``reasons_i18n`` the same reasons in both languages."""
    words = [{"ko": r["ko"], "en": r["en"]} for r in c.reasons]
    return {"score": c.score, "reasons": [w[lang] for w in words], "reasons_i18n": words,
            "a": _side(c, "a"), "b": _side(c, "b")}


def _candidate_text(d: dict[str, Any]) -> str:
    names = [", ".join(d[s]["names"]) or "(unnamed)" for s in ("a", "b")]
    lines = [f"{d['score']:.2f}  {d['a']['mention']}  {names[0]}\n      {d['b']['mention']}  {names[1]}"]
    lines += [f"      - {r}" for r in d["reasons"]]
    return "\n".join(lines)


def cmd_candidates(ctx: Context) -> int:
    """Streams: each candidate is written as it comes (its features read in small chunks), never the whole list held;
    the output is byte for byte what ``ctx.emit({"candidates": [...]}, text)`` would print for the whole list."""
    lang = ctx.opt("lang") or "en"
    out = ctx.out
    with _open_hq(ctx) as vault:
        found = cand.iter_candidates(vault, min_score=ctx.opt("min_score"), limit=ctx.opt("limit"))
        first, last = True, ""
        for c in found:
            d = candidate_json(c, lang)
            if ctx.json:
                body = "\n".join("    " + line for line in json_text(d).split("\n"))
                out.write(('{\n  "candidates": [\n' if first else ",\n") + body)
            else:
                last = clean_text(_candidate_text(d), keep_newlines=True)
                out.write(("" if first else "\n") + last)
            first = False
        if ctx.json:
            out.write('{\n  "candidates": []\n}\n' if first else "\n  ]\n}\n")
        else:
            out.write("no candidates\n" if first else "" if last.endswith("\n") else "\n")
    return 0


def cmd_link(ctx: Context) -> int:
    with _open_hq(ctx) as vault:
        pid = registry.link(vault, ctx.opt("mentions"), person=ctx.opt("person"), reason=ctx.opt("reason"))
        count = len(registry.mentions_of(vault, pid))
    ctx.emit({"person": pid, "mentions": count}, pid)
    return 0


def cmd_unlink(ctx: Context) -> int:
    with _open_hq(ctx) as vault:
        pid = registry.unlink(vault, ctx.opt("mention"), reason=ctx.opt("reason"))
    ctx.emit({"mention": ctx.opt("mention"), "left": pid}, f"{ctx.opt('mention')} left person {pid}")
    return 0


def cmd_distinct(ctx: Context) -> int:
    with _open_hq(ctx) as vault:
        registry.distinct(vault, ctx.opt("a"), ctx.opt("b"), reason=ctx.opt("reason"))
    pair = sorted((ctx.opt("a"), ctx.opt("b")))
    ctx.emit({"distinct": pair}, f"recorded: {pair[0]} and {pair[1]} are not the same person")
    return 0


def cmd_list(ctx: Context) -> int:
    with _open_hq(ctx) as vault:
        persons = facts.list_persons(vault)
    rows = [{"person": p["person"], "names": p["names"], "mentions": p["mentions"],
             **({"reference": p["reference"]} if p.get("reference") else {})} for p in persons]  # issue 31
    lines = [f"{r['person']}  {r['mentions']}  {', '.join(r['names']) or '(unnamed)'}"
             + "".join(f"  [reference: {s}]" for s in r.get("reference", [])) for r in rows]
    ctx.emit({"persons": rows}, "\n".join(lines) if lines else "no persons")
    return 0


def cmd_show(ctx: Context) -> int:
    with _open_hq(ctx) as vault:
        doc = facts.show_person(vault, ctx.opt("person"))
    lines = [f"person {doc['person']}"]
    if doc["preferred_name"]:
        lines.append("preferred name: " + " / ".join(v for v in doc["preferred_name"].values() if v))
    lines += [f"mention {m['mention']}  {', '.join(m['names']) or '(unnamed)'}  (interviewee {m['interviewee']})"
              for m in doc["mentions"]]
    for fact in doc["facts"]:
        values = "; ".join(f"{v['value']} [{len(v['sources'])}]" for v in fact["values"])
        lines.append(f"{fact['label']['en']}: {values}{'  (DISAGREE)' if fact['disagree'] else ''}")
    ctx.emit(doc, "\n".join(lines))
    return 0


def cmd_name(ctx: Context) -> int:
    if ctx.opt("hangul") is None and ctx.opt("roman") is None:
        raise UsageError("give --hangul and/or --roman")
    with _open_hq(ctx) as vault:
        registry.set_preferred_name(vault, ctx.opt("person"), hangul=ctx.opt("hangul"), roman=ctx.opt("roman"),
                                    reason=ctx.opt("reason"))
        name = registry.preferred_name(vault, ctx.opt("person"))
    ctx.emit({"person": ctx.opt("person"), "preferred_name": name}, f"{ctx.opt('person')}: preferred name set")
    return 0

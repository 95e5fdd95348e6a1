"""Precision and recall at score >= 0.5 of person candidates on the bench's synthetic world with hanja added
(issue 28, item 10). Usage: ``python -m tools.hanja_precision [MENTIONS]`` from the repository root whose code is
measured (run it from an older checkout to compare).

Every third person with a Hangul name also has it written in hanja (the readings of the kept table, inverted; in every
other report the hanja alone), and each of them gets a "hanja twin": another person with the same surname, birth and
sex, a different second given syllable, written only in hanja, with someone else's home, acts and interviewee (the
李永吉 / 李永鎭 case of the issue).
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
import tempfile
from pathlib import Path

from bench._persons_synth import SYLLABLES, generate, true_pairs
from intake_app.consolidation.names import initial_sound_rule
from intake_app.persons import candidates as cand
from intake_app.persons.features import features
from intake_app.persons.mentions import Mention
from intake_app.persons.scoring import score_pair
from intake_app.records.interchange_model import Name
from intake_app.vault.vault import Vault

NAMES = Path(__file__).resolve().parent.parent / "intake_app" / "data" / "names"


def world(count: int) -> tuple[list[Mention], dict[str, int]]:
    table: dict[str, str] = json.loads((NAMES / "hanja_readings.json").read_text(encoding="utf-8"))["readings"]
    surnames = json.loads((NAMES / "surnames.json").read_text(encoding="utf-8"))["hanja_surnames"]
    by_reading: dict[str, list[str]] = {}
    for hanja, reading in sorted(table.items()):
        if 0x4E00 <= ord(hanja) <= 0x9FFF:
            by_reading.setdefault(reading, []).append(hanja)
    surname_hanja = {v: k for k, v in sorted(surnames.items(), reverse=True)}
    rng = random.Random(28)  # noqa: S311 - a reproducible synthetic world, not a secret
    mentions, truth = generate(count)
    persons: dict[int, list[Mention]] = {}
    for m in mentions:
        persons.setdefault(truth[m.mention], []).append(m)
    out: list[Mention] = []
    new_truth: dict[str, int] = {}
    for pid, ms in persons.items():
        hangul = next((n.hangul for m in ms for n in m.victim.names if n.hangul), None)
        written = None
        if hangul is not None and pid % 3 == 0:
            compact = "".join(hangul.split())
            surname = surname_hanja.get(initial_sound_rule(compact[0]))
            given = [by_reading.get(c, [""])[0] for c in compact[1:]]
            written = surname + "".join(given) if surname and all(given) else None
        for i, m in enumerate(ms):
            victim = m.victim
            if written:
                names = ((Name(hanja=written),) if i % 2 else
                         tuple(dataclasses.replace(n, hanja=written) for n in victim.names))
                victim = dataclasses.replace(victim, names=names)
            out.append(dataclasses.replace(m, victim=victim))
            new_truth[m.mention] = pid
        if written and len(written) > 2:
            other = [r for r in by_reading if r != table[written[2]] and r in "".join(SYLLABLES)]
            twin = written[:2] + by_reading[rng.choice(other)][0]
            base = rng.choice(mentions)
            tid = f"twin{pid}"
            victim = dataclasses.replace(base.victim, names=(Name(hanja=twin),), birth=ms[0].victim.birth,
                                         sex=ms[0].victim.sex)
            out.append(dataclasses.replace(base, mention=f"{tid}/v1", testimony_id=tid, victim=victim,
                                           testimony=dataclasses.replace(base.testimony, id=tid)))
            new_truth[f"{tid}/v1"] = -pid
    return out, new_truth


def main(count: int) -> None:
    mentions, truth = world(count)
    feats = {f["m"]: f for f in (features(m) for m in mentions)}
    with tempfile.TemporaryDirectory() as scratch:
        vault = Vault.create(Path(scratch) / "v", "pw", "hq")[0]
        cand.index_features(vault.conn, list(feats.values()))
        mention_of = {int(n): str(m) for n, m in vault.conn.execute("SELECT num, mention FROM person_mentions")}
        found: dict[tuple[str, str], float] = {}
        for a, b in cand.blocked_pairs(vault.conn):
            ma, mb = sorted((mention_of[a], mention_of[b]))
            found[(ma, mb)] = score_pair(feats[ma], feats[mb], explain=False)[0]
        vault.lock()
    pairs = true_pairs(truth)
    proposed = [p for p, s in found.items() if s >= 0.5]
    right = sum(1 for p in proposed if p in pairs)
    twins = sum(1 for p in proposed if p not in pairs and any(x.startswith("twin") for x in p))
    recall = sum(1 for p in pairs if found.get(p, -1.0) >= 0.5) / len(pairs)
    print(f"mentions {len(mentions)}, true pairs {len(pairs)}, recall@0.5 {recall:.4f}, proposed@0.5 "
          f"{len(proposed)}, precision@0.5 {right / len(proposed):.4f}, false pairs with a hanja twin {twins}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)

"""Candidate pairs of individual perpetrator entries that may be the same person, with reasons in Korean and English.

Blocking (never all pairs): entries are grouped by their unit key and by each name key; only pairs within a group are
scored, and groups larger than :data:`MAX_BLOCK` are cut to their first entries (a unit named by thousands of
entries is not a way to find a person). Name keys are the person registry's (initial-sound rule, romanisation
keys), so a perpetrator written 리 in one testimony and 이 in another meets. Pairs already in one person, or marked
distinct, are not proposed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations
from typing import Any

from intake_app.consolidation.names import name_keys
from intake_app.perpetrators.entries import is_individual
from intake_app.perpetrators.registry import Registry
from intake_app.records.vocabularies import fold

MAX_BLOCK = 200
_WORD = re.compile(r"\w+")


def _name_keys() -> Callable[[str], Iterable[str]]:
    """The person registry's name keys (initial-sound rule, romanisation keys, Hangul against romanised)."""
    return name_keys


def _words(text: str | None) -> set[str]:
    return {w for w in _WORD.findall(fold(text or "")) if len(w) > 1}


def _score(a: dict[str, Any], b: dict[str, Any],
           keys: Callable[[str], Iterable[str]]) -> tuple[float, list[dict[str, str]]]:
    score = 0.0
    reasons: list[dict[str, str]] = []
    if a.get("name") and b.get("name"):
        if set(keys(a["name"])) & set(keys(b["name"])):
            score += 0.45
            reasons.append({"ko": f"이름 {a['name']} = {b['name']}", "en": f"name {a['name']} = {b['name']}"})
        else:
            score -= 0.2
            reasons.append({"ko": f"이름 다름: {a['name']} / {b['name']}",
                            "en": f"different names: {a['name']} / {b['name']}"})
    if a.get("unit") and a.get("unit") == b.get("unit"):
        score += 0.25
        reasons.append({"ko": f"같은 소속 ({a.get('unit_text') or a['unit']})",
                        "en": f"same unit ({a.get('unit_text') or a['unit']})"})
    if a.get("rank") and b.get("rank"):
        if fold(a["rank"]) == fold(b["rank"]):
            score += 0.15
            reasons.append({"ko": f"같은 계급 {a['rank']}", "en": f"same rank {a['rank']}"})
        else:
            score -= 0.05
            reasons.append({"ko": f"계급 {a['rank']} / {b['rank']}", "en": f"rank {a['rank']} vs {b['rank']}"})
    shared = _words(a.get("description")) & _words(b.get("description"))
    if shared:
        union = _words(a.get("description")) | _words(b.get("description"))
        score += 0.25 * len(shared) / len(union) + 0.05
        words = " ".join(sorted(shared))
        reasons.append({"ko": f"인상착의 공통: {words}", "en": f"both described with: {words}"})
    if a.get("role") and b.get("role") and fold(a["role"]) == fold(b["role"]):
        score += 0.05
        reasons.append({"ko": f"같은 역할 {a['role']}", "en": f"same role {a['role']}"})
    if a.get("testimony") == b.get("testimony"):
        score -= 0.1  # one witness naming two entries usually means two people
    return max(0.0, min(1.0, round(score, 3))), reasons


def candidates(registry: Registry, min_score: float = 0.3, limit: int = 100) -> list[dict[str, Any]]:
    """Scored pairs of individual entries, best first."""
    keys = _name_keys()
    links = registry.links()
    distinct = registry.distinct_pairs()
    entries = [e for e in registry.entries("WHERE kind = 'perpetrator'") if is_individual(e)]
    blocks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        if e.get("unit"):
            blocks["u:" + e["unit"]].append(e)
        for key in keys(e["name"]) if e.get("name") else ():
            blocks["n:" + key].append(e)
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for block in blocks.values():
        for a, b in combinations(block[:MAX_BLOCK], 2):
            pair = (min(a["entry"], b["entry"]), max(a["entry"], b["entry"]))
            if pair in seen or pair in distinct:
                continue
            seen.add(pair)
            pa, pb = links.get((a["entry"], "person"), a["entry"]), links.get((b["entry"], "person"), b["entry"])
            if pa == pb:
                continue
            score, reasons = _score(a, b, keys)
            if score >= min_score:
                out.append({"score": score, "reasons": reasons,
                            "a": _side(a, pa), "b": _side(b, pb)})
    out.sort(key=lambda c: (-c["score"], c["a"]["entry"], c["b"]["entry"]))
    return out[:limit]


def _side(e: dict[str, Any], person: str) -> dict[str, Any]:
    return {"entry": e["entry"], "testimony": e["testimony"], "perpetrator": person if person != e["entry"] else None,
            **{k: e.get(k) for k in ("name", "rank", "role", "unit", "unit_text", "description", "identification",
                                     "date", "act_type")}}

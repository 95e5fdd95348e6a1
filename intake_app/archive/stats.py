"""Reference persons in statistics, only when asked (``intake stats --include-reference``), in their own table.

The reference persons (victims of outside archives) are counted by the same dimension rules as testimonies'
victims (``intake_app.stats.dimensions.victim_facts``), in a separate table labelled as reference records, never
added into the testimonies' counts: they may be the same people, and their consent is unknown.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from intake_app.archive.persons import victim_of
from intake_app.stats import dimensions as dims
from intake_app.stats.query import StatsError, _rows
from intake_app.vault.database import Connection

LABEL = {"en": "Reference records from outside archives (not testimony; consent unknown; may repeat persons above)",
         "ko": "외부 기록물의 참조 기록 (증언 아님, 동의 알 수 없음, 위 인물과 겹칠 수 있음)"}


def reference_table(conn: Connection, by: Sequence[str], where: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The reference persons counted as victims by ``by`` (one or two dimensions), filtered by ``where``."""
    names = [dims.parse_dim(d).name for d in by]
    wanted: dict[str, set[str]] = defaultdict(set)
    for dim, value in where:
        wanted[dims.parse_dim(dim).name].add(value)
    if any(n in dims.TESTIMONY_DIMS for n in [*names, *wanted]):
        raise StatsError("reference records have no interview: count them by victim dimensions only")
    buckets: dict[tuple[str, ...], int] = defaultdict(int)
    total = unknown = 0
    sources: set[str] = set()
    rows = conn.execute("""SELECT r.source, v.content FROM reference_records r JOIN reference_versions v
                           ON v.record_id = r.id AND v.version = r.version WHERE r.kind = 'person'""")
    for source, raw in rows:
        facts: dict[str, set[str]] = defaultdict(set)
        for dim, value in dims.victim_facts(victim_of(json.loads(raw), untyped=True)):
            if value != dims.SPANS and value and not dim.endswith("@"):
                facts[dim].add(value)
        if any(not (facts[d] & values) for d, values in wanted.items()):
            continue
        total += 1
        sources.add(str(source))
        combos: list[tuple[str, ...]] = [()]
        for name in names:
            combos = [(*c, v) for c in combos for v in sorted(facts[name])]
        for combo in combos:
            buckets[combo] += 1
        unknown += not combos
    return {"label": LABEL, "sources": sorted(sources), "unit": "victim", "by": list(by), "total": total,
            "rows": _rows(by, dict(buckets), total, None), "unknown": unknown}

"""Compare versions of one testimony field by field, for people: the history view and the HQ conflict view.

Each version (interchange JSON, or None for a deleted one) is walked along the schema
(:data:`intake_app.records.interchange_schema.OBJECTS`), so every leaf knows which object and key it is and what kind
of value it holds (a vocabulary code, an EDTF date, free text...). The rows come in form order (the schema's key
order, then list positions), whichever version a field appears in, and say whether the versions differ there. The
GUI turns keys into form labels and codes into vocabulary labels; this module stays free of Qt and of wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from intake_app.records.interchange_schema import OBJECTS, FieldSpec

SortKey = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Leaf:
    """One field of one testimony: ``path`` as in validation messages (``victims[0].acts[1].type``), the ``section``
    it sits in as (object name, position) steps, its object name and key, and its schema entry (None: a consent
    purpose or a key the schema does not know)."""

    path: str
    section: tuple[tuple[str, int], ...]
    obj: str
    key: str
    spec: FieldSpec | None


@dataclass(frozen=True)
class DiffRow:
    """A field and its value in each version (None where the version lacks it); ``changed`` if they differ."""

    leaf: Leaf
    values: tuple[Any, ...]

    @property
    def changed(self) -> bool:
        return any(value != self.values[0] for value in self.values[1:])


def _walk(name: str, value: Any, path: str, section: tuple[tuple[str, int], ...], order: SortKey,
          out: dict[str, tuple[SortKey, Leaf, Any]]) -> None:
    if not isinstance(value, dict):
        return
    fields = OBJECTS[name]
    keys = list(fields)
    for key, item in value.items():
        if item is None:
            continue
        here = f"{path}.{key}" if path else key
        position = keys.index(key) if key in keys else len(keys)
        spec = fields.get(key)
        step = (*order, (position, 0))
        if spec is not None and spec.kind == "object" and spec.target is not None:
            _walk(spec.target, item, here, section, step, out)
        elif spec is not None and spec.kind == "objects" and spec.target is not None and isinstance(item, list):
            for i, element in enumerate(item):
                _walk(spec.target, element, f"{here}[{i}]", (*section, (spec.target, i)), (*order, (position, i)),
                      out)
        elif spec is not None and spec.kind == "consent" and isinstance(item, dict):
            for j, (purpose, decision) in enumerate(sorted(item.items())):
                leaf = Leaf(f"{here}.{purpose}", section, "consent", str(purpose), None)
                out[leaf.path] = ((*order, (position, j)), leaf, decision)
        else:
            leaf = Leaf(here, section, name, key, spec)
            out[here] = (step, leaf, item)


def leaves(content: dict[str, Any] | None) -> dict[str, tuple[SortKey, Leaf, Any]]:
    """Every field of ``content`` with a value: path → (form order, leaf, value)."""
    out: dict[str, tuple[SortKey, Leaf, Any]] = {}
    if content is not None:
        _walk("testimony", content, "", (), (), out)
    return out


def compare(versions: Sequence[dict[str, Any] | None]) -> list[DiffRow]:
    """One row per field present in any version, in form order; a field a version lacks has None there."""
    walked = [leaves(version) for version in versions]
    union: dict[str, tuple[SortKey, Leaf]] = {}
    for flat in walked:
        for path, (order, leaf, _) in flat.items():
            union.setdefault(path, (order, leaf))
    rows = sorted(union.values(), key=lambda pair: pair[0])
    return [DiffRow(leaf, tuple(flat[leaf.path][2] if leaf.path in flat else None for flat in walked))
            for _, leaf in rows]

"""released.py builds its copies with a generated constructor (``_constructor``) instead of the frozen dataclass's
``__init__``: it must build exactly what ``__init__`` builds (same fields, defaults, equality, hash, repr, still
frozen) and refuse what ``__init__`` refuses."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from intake_app.exports import released

CLASSES = [(released.ReleasedPerpetrator, released._new_perpetrator), (released.ReleasedAct, released._new_act),
           (released.ReleasedStep, released._new_step), (released.ReleasedMention, released._new_mention)]


def _values(cls: type[Any], salt: str) -> dict[str, Any]:
    return {f.name: f"{salt}-{f.name}" for f in dataclasses.fields(cls)}


@pytest.mark.parametrize(("cls", "new"), CLASSES, ids=lambda c: getattr(c, "__name__", ""))
def test_the_constructor_builds_what_init_builds(cls: type[Any], new: Any) -> None:
    values = _values(cls, "a")
    by_keyword, by_init = new(**values), cls(**values)
    by_position = new(*values.values())
    assert type(by_keyword) is cls and type(by_position) is cls
    assert by_keyword == by_init == by_position and repr(by_keyword) == repr(by_init)
    assert hash(by_keyword) == hash(by_init)
    assert [getattr(by_keyword, f.name) for f in dataclasses.fields(cls)] == list(values.values())
    assert new(**_values(cls, "b")) != by_init
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_keyword.__setattr__(dataclasses.fields(cls)[0].name, "changed")
    first = dataclasses.fields(cls)[0].name
    with pytest.raises(TypeError):
        new(**{k: v for k, v in values.items() if k != first})  # a field without a default is missing
    with pytest.raises(TypeError):
        new(**values, unknown=1)
    with pytest.raises(TypeError):
        new(*values.values(), "one too many")


def test_defaults_are_the_dataclass_defaults() -> None:
    required = {f.name: f"x-{f.name}" for f in dataclasses.fields(released.ReleasedMention)
                if f.default is dataclasses.MISSING}
    built = released._new_mention(**required)
    assert built == released.ReleasedMention(**required)
    assert (built.interviewee_relation, built.nationality, built.identity_document, built.occupation) == (None,) * 4


def test_only_frozen_dataclasses_with_slots_are_accepted() -> None:
    with pytest.raises(RuntimeError, match="slots"):
        released._constructor(_NoSlots)
    with pytest.raises(RuntimeError, match="slots"):
        released._constructor(_Factory)
    with pytest.raises(RuntimeError, match="slots"):
        released._constructor(_Checked)  # its __init__ does more than set the fields


@dataclasses.dataclass(frozen=True)
class _NoSlots:
    a: str
    b: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class _Factory:
    a: tuple[str, ...] = dataclasses.field(default_factory=tuple)


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    a: str

    def __post_init__(self) -> None:
        if not self.a:
            raise ValueError("empty")

"""The WGEID case's reasoned fields: which act dates the disappearance, the urgency rule, whose consent stands behind
the case, and the communication form's identity fields (family and given names, nationality, identity document,
occupation, age at disappearance, the submitter's relation, the submission date).

Rules (docs/exports.md, "WGEID case"):

* The date of disappearance is the date of the act that constitutes it: an arrest or abduction (or a capture, forced
  repatriation or hand-over, which are takings too), else a detention, else the last sighting; among dated acts of
  the same rank the most precise date wins (the narrowest closed interval), then the earliest lower bound. A date open
  at either end is the least precise of its rank. The date is reported as said and as understood, with its bounds and
  its qualifiers (approximate, uncertain).
* Urgent procedure only when the act is known to fall within the three months before submission: the lower bound of
  its date (the earliest day it can have happened) is on or after the submission day minus three calendar months and
  not after the submission day. An open or missing lower bound, or a date starting after the submission day, is never
  urgent. The upper bound plays no part (a year such as "2026" ends in the future).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from intake_app.consolidation.names import split_hangul_name
from intake_app.exports import anonymity
from intake_app.exports.released import ReleasedAct, ReleasedMention
from intake_app.records.edtf import UncertainDate

# Rank of an act as the one that constitutes the disappearance (lower is preferred).
ACT_RANK: dict[str, int] = {"arrest": 0, "abduction": 0, "capture_pow": 0, "forced_repatriation": 0, "handover": 0,
                            "detention": 1, "last_seen": 2}
_OTHER_RANK = 3
_OPEN_SPAN = 10**9
_HANJA_DOUBLE_SURNAMES = frozenset({"南宮", "諸葛", "鮮于", "皇甫", "司空", "西門", "獨孤", "東方"})


def _closed(date: UncertainDate | None) -> bool:
    return date is not None and date.lower != dt.date.min and date.upper != dt.date.max


def span_days(date: UncertainDate) -> int:
    """Width of the date in days (0 for a single day); an open interval counts as the widest."""
    return (date.upper - date.lower).days if _closed(date) else _OPEN_SPAN


def constituting_act(mentions: Sequence[ReleasedMention]) -> tuple[ReleasedMention, ReleasedAct] | None:
    """The (mention, act) whose date is the date of disappearance, or None when no act is dated."""
    dated = [(m, a) for m in mentions for a in m.acts if a.date is not None]
    if not dated:
        return None

    def key(ma: tuple[ReleasedMention, ReleasedAct]) -> tuple[int, int, dt.date, str, str]:
        m, a = ma
        assert a.date is not None
        return ACT_RANK.get(a.type, _OTHER_RANK), span_days(a.date), a.date.lower, m.mention, a.id or ""

    return min(dated, key=key)


def months_back(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def urgency(date: UncertainDate | None, today: dt.date) -> tuple[str, dict[str, Any]]:
    """The procedure (``urgent`` or ``standard``) and the figures that decided it."""
    cutoff = months_back(today, 3)
    lower = date.lower if date is not None and date.lower != dt.date.min else None
    upper = date.upper if date is not None and date.upper != dt.date.max else None
    urgent = lower is not None and cutoff <= lower <= today
    return ("urgent" if urgent else "standard"), {
        "submitted": today.isoformat(), "urgent_if_after": cutoff.isoformat(),
        "disappeared_from": lower.isoformat() if lower else None,
        "disappeared_by": upper.isoformat() if upper else None,
        "rule": "lower_bound_within_three_months",
    }


def family_consent(mentions: Sequence[ReleasedMention]) -> list[dict[str, Any]]:
    """Whose consent stands behind the case: per source, the interviewee's relation (a code, never a name) and the
    date of the ``wgeid`` decision in force."""
    out = []
    for m in mentions:
        decisions = m.basis.get("wgeid", ())
        dates = [d.date.edtf for d in decisions if d.date is not None]
        out.append({k: v for k, v in (("source", m.source_number), ("given_by", m.interviewee_relation),
                                      ("decision", decisions[-1].value if decisions else None),
                                      ("date", dates[-1] if dates else None)) if v is not None})
    return out


def _split_roman(roman: str) -> tuple[str, str]:
    if "," in roman:
        family, _, given = roman.partition(",")
        return family.strip(), given.strip()
    family, _, given = roman.strip().partition(" ")
    return family, given.strip()


def split_name(name: anonymity.ShownName) -> dict[str, str]:
    """Family and given names of one shown name, per script (Korean order: the family name comes first; a comma in a
    romanised name marks the end of the family name)."""
    out: dict[str, str] = {}
    if name.hangul:
        family, given = split_hangul_name(name.hangul)
        out.update(family_hangul=family, given_hangul=given)
    if name.hanja:
        compact = "".join(name.hanja.split())
        cut = 2 if compact[:2] in _HANJA_DOUBLE_SURNAMES and len(compact) > 2 else 1
        out.update(family_hanja=compact[:cut], given_hanja=compact[cut:])
    if name.roman:
        family, given = _split_roman(name.roman)
        out.update(family_roman=family, given_roman=given)
    return {k: v for k, v in out.items() if v}


def age_at(birth: UncertainDate | None, event: UncertainDate | None) -> dict[str, int] | None:
    """Age in whole years at the event, as a range (``min`` = ``max`` when known to the year), or None."""
    if not (_closed(birth) and _closed(event)):
        return None
    assert birth is not None and event is not None

    def years(born: dt.date, on: dt.date) -> int:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    low, high = years(birth.upper, event.lower), years(birth.lower, event.upper)
    if high < 0:
        return None
    return {"min": max(low, 0), "max": high}


def form_fields(mentions: Sequence[ReleasedMention], names: Sequence[anonymity.ShownName],
                event: UncertainDate | None, level: str) -> dict[str, Any]:
    """The communication form's identity fields. Identity document and occupation only at ``full_name`` (they are
    blank in the released mentions otherwise)."""
    full = level == "full_name"
    births = [m.birth for m in mentions if _closed(m.birth)]
    ages = [a for b in births if (a := age_at(b, event))]
    age = None
    if ages:
        age = {"min": max(a["min"] for a in ages), "max": min(a["max"] for a in ages)}
        if age["min"] > age["max"]:  # the sources disagree: give the union rather than an empty range
            age = {"min": min(a["min"] for a in ages), "max": max(a["max"] for a in ages)}
    return {
        "names_split": [s for n in names if (s := split_name(n))] if full else [],
        "nationality": sorted({m.nationality for m in mentions if m.nationality}),
        "identity_document": sorted({m.identity_document for m in mentions if m.identity_document}) if full else [],
        "occupation": sorted({m.occupation for m in mentions if m.occupation}) if full else [],
        "age_at_disappearance": age,
    }

"""The Uwazi row builder's cells (the rows of ``cases`` and ``victims``, written straight into the
columns) against the general path they replace: a row's values by property, laid out by ``_Builder._row`` (the
plan of ``uwazi.TEMPLATES``). Both give the same cells for every released mention of a mixed world, and for acts
and persons with the optional fields left out, so the export's bytes do not depend on which path made them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from intake_app.exports import anonymity, batched, consent, sources, uwazi
from intake_app.exports.released import ReleasedMention
from intake_app.exports.uwazi import SEP, _basis, _Builder, _label, _perp_key, columns, date_range
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE
from tests.exports.test_uwazi_stream import build_world


def _victim_rows_by_property(builder: _Builder) -> list[list[str]]:
    """The victims rows as values by property, laid out by ``_row`` (the code before the direct cells)."""
    rows = []
    for _person, mentions in sorted(builder.persons.items()):
        level = anonymity.most_restrictive([m.anonymity for m in mentions])
        ref = mentions[0].reference
        names: list[anonymity.ShownName] = []
        for m in mentions:
            names.extend(n for n in m.names if n not in names and level == m.anonymity)
        roman = next((n.roman for n in names if n.roman), None) if level not in ("anonymised",) else None
        hangul = next((n.hangul for n in names if n.hangul), None) if level not in ("anonymised",) else None
        title = {"en": f"{roman or hangul or 'Unnamed victim'} [{ref}]",
                 "ko": f"{hangul or roman or '이름 없는 피해자'} [{ref}]"}
        first = min((a.date for m in mentions for a in m.acts if a.date is not None),
                    key=lambda d: d.lower, default=None)
        births = [m.birth for m in mentions if m.birth is not None]
        rows.append(builder._row("victims", {
            "title": title, "our_id": ref,
            "name": {"en": SEP.join(n.roman for n in names if n.roman),
                     "ko": SEP.join(n.hangul for n in names if n.hangul)},
            "sex": sorted({m.sex for m in mentions if m.sex})[:1],
            "birth": date_range(births[0] if births else None),
            "categories": sorted({str(c) for m in mentions for c in m.categories}, key=int),
            "status": sorted({m.status for m in mentions if m.status})[:1],
            "reasons": sorted({r for m in mentions for r in m.reasons}),
            "home_place": sorted({m.origin_place for m in mentions if m.origin_place})[:1],
            "disappeared": date_range(first), "sources": str(len(mentions)), "anonymity": [level],
            "consent_basis": _basis(mentions, builder.purpose, builder.number),
            "group_size": str(max(m.group_size or 0 for m in mentions) or ""),
        }))
    return rows


def _case_rows_by_property(builder: _Builder) -> list[list[str]]:
    rows = []
    for m in builder.included:
        person = builder.person_of.get(m.mention, m.person_key)
        victim = builder.victim_titles[person]
        for index, a in enumerate(m.acts):
            ref = "C-" + uwazi._short_id("case", m.mention, a.id or f"#{index}")
            act = {lang: _label("act_types", a.type, lang) for lang in uwazi.LANGS}
            rows.append(builder._row("cases", {
                "title": {lang: f"{act[lang]}, {victim[lang].rsplit(' [', 1)[0]} [{ref}]" for lang in uwazi.LANGS},
                "our_id": ref, "act_type": [a.type], "date": date_range(a.date), "date_as_said": a.date_text,
                "place": a.place, "place_code": [a.place_code] if a.place_code else [], "facility": a.facility,
                "facility_type": [a.facility_type] if a.facility_type else [],
                "victim": [victim["en"]],
                "perpetrators": sorted({builder.perp_titles[_perp_key(p)]["en"] for p in a.perpetrators}),
                "source_kind": [a.source] if a.source else [], "source": str(builder.number(m)),
                "anonymity": [m.anonymity], "consent_basis": _basis([m], builder.purpose, builder.number),
            }))
    return sorted(rows)


def _bare(m: ReleasedMention, i: int) -> ReleasedMention:
    """``m`` as another person with every optional field of the person and of its acts left out."""
    acts = tuple(dataclasses.replace(a, id=None, date=None, date_text=None, place=None, place_code=None,
                                     facility=None, facility_type=None, source=None, perpetrators=())
                 for a in m.acts)
    return dataclasses.replace(m, mention=f"{m.mention}-bare{i}", person_key=f"{m.person_key}-bare{i}", names=(),
                               sex=None, birth=None, categories=(), status=None, reasons=(), origin_place=None,
                               group_size=None, basis={}, acts=acts)


def _odd(m: ReleasedMention, i: int) -> ReleasedMention:
    """``m`` as another person whose texts need quoting or formula escaping and whose codes are unknown."""
    acts = tuple(dataclasses.replace(a, date_text='=1+2, "said"', place="-Onsong\r\nnorth", place_code="XX-unknown",
                                     facility="@camp", facility_type="no-such-type", source="", type="no-such-act")
                 for a in m.acts)
    return dataclasses.replace(m, mention=f"{m.mention}-odd{i}", person_key=f"{m.person_key}-odd{i}",
                               sex="?", status="no-such-status", reasons=("x", "a"), categories=(99, 7),
                               origin_place="XX-unknown", group_size=7, acts=acts)


def test_direct_cells_equal_the_rows_by_property(tmp_path: Path) -> None:
    build_world(tmp_path / "hq")
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        mentions = sources.all_mentions(vault)
        person_of = batched.linked_persons(vault)
        release = consent.decide(vault, "publication", mentions, person_of=person_of, accept_conditions=True)
    assert len(release.included) >= 6
    included = list(release.included)
    included += [_bare(m, i) for i, m in enumerate(release.included[:3])]
    included += [_odd(m, i) for i, m in enumerate(release.included[:3])]
    numbers = {m.mention: 40 + i for i, m in enumerate(included)}
    for chosen in (None, numbers):
        builder = _Builder("publication", included, person_of, chosen)
        direct_victims = builder.victims()
        builder.perpetrators()
        direct_cases = builder.cases()
        assert direct_victims == _victim_rows_by_property(builder)
        assert direct_cases == _case_rows_by_property(builder)
        assert {len(r) for r in direct_victims} == {len(columns("victims"))}
        assert {len(r) for r in direct_cases} == {len(columns("cases"))}
        assert any(r[columns("cases").index("place__en")] == "-Onsong\r\nnorth" for r in direct_cases)
        assert any(r[columns("victims").index("group_size")] == "" for r in direct_victims)
        assert any("source 40: " in r[-1] for r in direct_cases) == (chosen is not None)
        titles_only = _Builder("publication", included, person_of, chosen)  # the stream's way to the same titles
        titles_only.perpetrator_titles()
        assert titles_only.perp_titles == builder.perp_titles and len(builder.perp_titles) >= 2
        titles_only.victims()
        assert sorted(titles_only.cases(ordered=False)) == direct_cases

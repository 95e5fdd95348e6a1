"""Build the conformance corpus in docs/conformance/: small valid and invalid bundles, key files and checkpoints, each
with its expected verdict and reason, for this program's tests and for any other implementation of the format.

    .venv/bin/python -m tools.conformance docs/conformance

Every file is made by the program's own code (real vaults, real keys, the real exporter), the invalid ones with one
thing made hostile while exporting. The keys are TEST-ONLY: they are published with the corpus, so nothing real may
ever be encrypted to them. Bytes differ on every rebuild (fresh keys, ids, times, age nonces); the verdicts do not.
Before writing the index, every case is run through the program and must get its stated verdict.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PASSPHRASE = "conformance corpus, TEST ONLY"  # noqa: S105 - throw-away vaults in a temporary folder
TEST_ONLY = "TEST ONLY: published in the Testimony Intake conformance corpus; never use for real data"


@contextlib.contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


class Corpus:
    def __init__(self, out: Path, work: Path) -> None:
        from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file  # noqa: PLC0415
        from intake_app.records.attachments import AttachmentStore  # noqa: PLC0415
        from intake_app.records.store import RecordStore  # noqa: PLC0415
        from intake_app.vault.vault import Vault  # noqa: PLC0415

        self.out, self.work = out, work
        self.cases: list[dict[str, Any]] = []
        self.hq = Vault.create(work / "hq", PASSPHRASE, "hq")[0]
        hq_keys = parse_hq_key_file(Keyring(self.hq).export_public())
        self.devices = {}
        for name in ("a", "b"):
            field = Vault.create(work / f"device-{name}", PASSPHRASE, "field")[0]
            Keyring(field).pin_recipient(hq_keys, "hq")
            self.devices[name] = parse_device_key_file(Keyring(field).export_public())
            _device_keys[name] = self.devices[name]
            if name == "a":
                Keyring(self.hq).enrol(self.devices[name], "device A (TEST ONLY)")
            example = json.loads((REPO / "tests/data/interchange/good/example.json").read_text(encoding="utf-8"))
            example.pop("id", None)
            store = RecordStore(field)
            rid = store.add_json(json.dumps(example, ensure_ascii=False).encode("utf-8")).record_id
            AttachmentStore(field).attach_stream(rid, io.BytesIO(b"TEST ONLY scan\n"), "scan.png")
            doc = store.show(rid)
            doc["narrative"] = "told again at a second meeting (TEST ONLY)"
            store.add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
            field.lock()
            shutil.copytree(work / f"device-{name}", work / f"template-{name}")  # before any export: bundle 1
        self.write_keys()

    # ---- keys
    def write_keys(self) -> None:
        from intake_app.bundles.keyring import Keyring  # noqa: PLC0415

        keys = self.out / "keys"
        keys.mkdir(parents=True)
        identity = Keyring(self.hq).identity()
        (keys / "hq-identity.TEST-ONLY.txt").write_text(f"# {TEST_ONLY}\n{identity.identity_file()}", encoding="utf-8")
        (keys / "hq.TEST-ONLY.pub").write_text(f"# {TEST_ONLY}\n{Keyring(self.hq).export_public()}", encoding="utf-8")
        from crypto import minisign  # noqa: PLC0415

        for name, key in self.devices.items():
            text = minisign.format_public_key_file(key, f"TEST ONLY device {name.upper()} {key.key_id_hex}")
            (keys / f"device-{name}.TEST-ONLY.pub").write_text(text, encoding="utf-8")

    # ---- bundles
    def bundle(self, case: str, expect: str, reason: str, contains: str | None, device: str = "a",
               hostile: Callable[[Any], contextlib.AbstractContextManager[None]] | None = None,
               after: tuple[str, ...] = (), source: Path | None = None, post: Callable[[bytes], bytes] | None = None,
               fresh: bool = True) -> Path:
        """Export one bundle from a copy of the device vault (``fresh``: as it was before any export, so the bundle
        is number 1) or from the device vault itself (the next number), with ``hostile`` active while exporting."""
        from intake_app.bundles.export import export_bundle  # noqa: PLC0415
        from intake_app.vault.vault import Vault  # noqa: PLC0415

        if source is None:
            vault_dir = self.work / f"device-{device}"
            if fresh:
                vault_dir = self.work / f"copy-{case}"
                shutil.copytree(self.work / f"template-{device}", vault_dir)
            vault = Vault.open(vault_dir, PASSPHRASE)
            usb = self.work / f"usb-{case}"
            usb.mkdir()
            try:
                with hostile(vault) if hostile is not None else contextlib.nullcontext():
                    made = export_bundle(vault, usb).path
            finally:
                vault.lock()
            data = made.read_bytes()
        else:
            data = source.read_bytes()
        if post is not None:
            data = post(data)
        target = self.out / "bundles" / f"{case}.bundle.tar"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        self.cases.append({"id": case, "kind": "bundle", "file": f"bundles/{target.name}", "expect": expect,
                           "reason": reason, "reason_contains": contains, "after": list(after),
                           "signed_by": f"keys/device-{device}.TEST-ONLY.pub"})
        return target

    def key_file(self, case: str, kind: str, data: bytes, expect: str, reason: str, contains: str | None) -> None:
        target = self.out / "key-files" / f"{case}.txt"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        self.cases.append({"id": case, "kind": kind, "file": f"key-files/{target.name}", "expect": expect,
                           "reason": reason, "reason_contains": contains})

    def checkpoint(self, case: str, text: bytes, sig: bytes, expect: str, reason: str, contains: str | None) -> None:
        folder = self.out / "checkpoints"
        folder.mkdir(exist_ok=True)
        (folder / f"{case}.checkpoint").write_bytes(text)
        (folder / f"{case}.checkpoint.minisig").write_bytes(sig)
        self.cases.append({"id": case, "kind": "checkpoint", "file": f"checkpoints/{case}.checkpoint",
                           "signature": f"checkpoints/{case}.checkpoint.minisig", "expect": expect, "reason": reason,
                           "reason_contains": contains, "signed_by": "keys/device-a.TEST-ONLY.pub"})


_device_keys: dict[str, Any] = {}  # filled by Corpus: the TEST-ONLY device public keys, for hostile cases


def _rebuild_outer(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    from intake_app.bundles import format as bf  # noqa: PLC0415
    from intake_app.bundles.ustar import TarWriter  # noqa: PLC0415

    parts = _outer_members(data)
    change(parts)
    buf = io.BytesIO()
    writer = TarWriter(buf)
    for name in bf.OUTER_MEMBERS:
        writer.add_bytes(name, parts[name])
    writer.close()
    return buf.getvalue()


def _outer_members(data: bytes) -> dict[str, bytes]:
    from intake_app.bundles.ustar import TarReader  # noqa: PLC0415

    reader = TarReader(io.BytesIO(data))
    return {m.name: reader.read_all(1 << 26) for m in reader.members()}


def _hostile_exports() -> list[tuple[str, str, str, Callable[[Any], contextlib.AbstractContextManager[None]]]]:
    """(case, reason, expected words, context manager factory taking the open vault) for each hostile bundle 1."""
    from crypto import age, merkle  # noqa: PLC0415
    from intake_app.bundles import export as bx  # noqa: PLC0415
    from intake_app.bundles import format as bf  # noqa: PLC0415
    from intake_app.vault.database import Transaction  # noqa: PLC0415

    def revisions(change: Callable[[dict[str, Any]], bytes]) -> Callable[[Any], Any]:
        genuine = bx.revision_file
        return lambda v: patched(bx, "revision_file", lambda row: (genuine(row)[0], change(json.loads(genuine(row)[1]))))

    def audit(change: Callable[[list[bytes]], list[bytes]]) -> Callable[[Any], Any]:
        genuine = bx._Selection.audit_lines
        return lambda v: patched(bx._Selection, "audit_lines", lambda self: iter(change(list(genuine(self)))))

    def dup_parents(doc: dict[str, Any]) -> bytes:
        doc["revision"]["parents"] = doc["revision"]["parents"] * 2
        return bf.canonical(doc)

    def unsorted_parents(doc: dict[str, Any]) -> bytes:
        if doc["revision"]["parents"]:
            doc["revision"]["parents"] = sorted({doc["revision"]["parents"][0], "f" * 64}, reverse=True)
        return bf.canonical(doc)

    def loose_links(v: Any) -> Any:
        genuine = bf.canonical
        return patched(bf, "canonical", lambda o: json.dumps(o).encode() if isinstance(o, list) else genuine(o))

    @contextlib.contextmanager
    def audit_row(v: Any, entry: str) -> Iterator[None]:
        seq = v.conn.execute("SELECT coalesce(max(seq) + 1, 0) FROM audit_log").fetchone()[0]
        line = entry.replace("SEQ", str(seq)).replace("DEV", v.signing_key().public_key.key_id_hex).encode()
        with Transaction(v.conn):
            v.conn.execute("INSERT INTO audit_log (seq, at, action, subject, entry, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)",
                           (seq, "x", "view_attachment", None, line, merkle.leaf_hash(line)))
        yield

    @contextlib.contextmanager
    def link_name(v: Any, name: str) -> Iterator[None]:
        with Transaction(v.conn):
            v.conn.execute("UPDATE attachment_links SET original_name = ?", (name,))
        yield

    @contextlib.contextmanager
    def link_column(v: Any, column: str, value: str) -> Iterator[None]:
        with Transaction(v.conn):
            v.conn.execute(f"UPDATE attachment_links SET {column} = ?", (value,))  # noqa: S608 - fixed names
        yield

    @contextlib.contextmanager
    def foreign_root(v: Any) -> Iterator[None]:
        # A first version of a record whose id is bound to device B (bundle-format.md §3.1), made on device A.
        from intake_app.records import ids, revisions  # noqa: PLC0415
        from intake_app.records.store import search_fields, summarise  # noqa: PLC0415

        key_b = _device_keys["b"]
        rid = ids.new_record_id(key_b)
        example = json.loads((REPO / "tests/data/interchange/good/example.json").read_text(encoding="utf-8"))
        from intake_app.records import interchange  # noqa: PLC0415

        content = interchange.dumps_canonical(interchange.validate({**example, "id": rid}))
        rev = revisions.Revision.make(rid, [], v.signing_key().public_key.key_id_hex, "2026-01-01T00:00:00.000000Z",
                                      content)
        with Transaction(v.conn):
            revisions.insert_revision(v.conn, rev)
            revisions.refresh_record(v.conn, rid, summarise, search_fields)
        yield

    extra = age.generate_x25519_identity().recipient
    genuine_encrypt = age.encrypt_stream
    genuine_to_json = bf.Manifest.to_json
    return [
        ("first-version-of-another-devices-record", "a first version (no parents) of a record whose id is bound to"
         " device B, sent by device A (bundle-format §3.1)", "made by another device", foreign_root),
        ("audit-unknown-action", "an audit line with an action outside the vocabulary (bundle-format §7: refused)",
         "action", lambda v: audit_row(v, '{"action":"teleport","at":"2026-01-01T00:00:00Z","detail":{},'
                                          '"device":"DEV","seq":SEQ,"subject":null}')),
        ("created-nine-fraction-digits", "created and created_at with 9 fraction digits (exactly 6 are required)",
         "trusted comment", lambda v: patched(bx, "utc_now", lambda: "2026-03-01T09:30:00.123456789Z")),
        ("created-no-fraction", "created and created_at without fraction digits (exactly 6 are required)",
         "trusted comment", lambda v: patched(bx, "utc_now", lambda: "2026-03-01T09:30:00Z")),
        ("link-other-device", "an attachment link naming device B in device A's bundle", "another device",
         lambda v: link_column(v, "device", _device_keys["b"].key_id_hex)),
        ("media-type-upper-case", "an attachment link with media_type Image/PNG (lower case only)", "media type",
         lambda v: link_column(v, "media_type", "Image/PNG")),
        ("media-type-parameter", "an attachment link with media_type text/plain;charset=utf-8 (no parameters)",
         "media type", lambda v: link_column(v, "media_type", "text/plain;charset=utf-8")),
        ("attachment-name-not-nfc", "an attachment name in NFD (e + U+0301): refused, not normalised", "file name",
         lambda v: link_name(v, "cafe\u0301.png")),
        ("revision-not-canonical", "a revision file with whitespace (indented JSON)", "canonical",
         revisions(lambda d: json.dumps(d, indent=1, ensure_ascii=False).encode())),
        ("revision-escaped-non-ascii", "a revision file with \\uXXXX escapes for its Hangul", "canonical",
         revisions(lambda d: json.dumps(d, sort_keys=True, separators=(",", ":")).encode())),
        ("parents-duplicate", "an edit naming its parent twice (its id matches the de-duplicated form)", "parents",
         revisions(dup_parents)),
        ("parents-unsorted", "an edit whose two parents are in descending order", "parents",
         revisions(unsorted_parents)),
        ("links-not-canonical", "attachments.json with spaces after separators", "canonical", loose_links),
        ("audit-not-canonical", "an audit line with spaces and unsorted keys", "canonical",
         lambda v: audit_row(v, '{"seq": SEQ, "at": "2026-01-01T00:00:00Z", "device": "DEV", "action": '
                                '"view_attachment", "subject": null, "detail": {}}')),
        ("audit-bad-time", "an audit line whose at is not an RFC 3339 UTC time", "bad time",
         lambda v: audit_row(v, '{"action":"view_attachment","at":"yesterday","detail":{},"device":"DEV",'
                                '"seq":SEQ,"subject":null}')),
        ("audit-repeated-entry", "audit.jsonl repeats its first line", "contiguous",
         audit(lambda lines: [lines[0], *lines])),
        ("audit-hole", "audit.jsonl leaves out its second line", "contiguous",
         audit(lambda lines: [lines[0], *lines[2:]])),
        ("audit-no-export-entry", "audit.jsonl without the bundle's own final export entry",
         "end of the signed log", audit(lambda lines: lines[:-1])),
        ("time-not-real", "created_at (and every time) 2026-13-45T99:99:99Z", "trusted comment",
         lambda v: patched(bx, "utc_now", lambda: "2026-13-45T99:99:99Z")),
        ("extra-age-recipient", "the payload is also encrypted to a recipient the manifest does not name",
         "recipients its manifest does not name",
         lambda v: patched(age, "encrypt_stream", lambda dst, rs: genuine_encrypt(dst, [*rs, extra]))),
        ("previous-manifest-on-bundle-1", "bundle 1 with a non-null previous_manifest_sha256",
         "previous_manifest_sha256",
         lambda v: patched(bf.Manifest, "to_json", lambda self: genuine_to_json(self)
                           | {"previous_manifest_sha256": "ab" * 32})),
        ("attachment-name-zero-width", "an attachment named only by a zero-width space", "file name",
         lambda v: link_name(v, "\u200b")),
        ("attachment-name-bidi", "an attachment name with U+202E (right-to-left override)", "file name",
         lambda v: link_name(v, "gpj.\u202eexe")),
    ]


def build(out: Path) -> list[dict[str, Any]]:  # noqa: PLR0915 - one statement per case
    os.environ["INTAKE_KDF_PROFILE"] = "fast"
    from crypto import checkpoint  # noqa: PLC0415

    if out.exists():
        for child in ("bundles", "keys", "key-files", "checkpoints", "updates", "index.json"):
            path = out / child
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        c = Corpus(out, Path(tmp))
        first = c.bundle("valid-bundle-1", "accept", "device A's first bundle: a testimony, an edit, an attachment",
                         None, fresh=False)
        with_edit = c.work / "device-a"
        from intake_app.records.store import RecordStore  # noqa: PLC0415
        from intake_app.vault.vault import Vault  # noqa: PLC0415

        v = Vault.open(with_edit, PASSPHRASE)
        store = RecordStore(v)
        rid = store.summaries()[0]["id"]
        doc = store.show(rid)
        doc["narrative"] = "a third meeting (TEST ONLY)"
        store.add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        v.lock()
        second = c.bundle("valid-bundle-2", "accept", "device A's second bundle (after valid-bundle-1)", None,
                          after=("valid-bundle-1",), fresh=False)
        c.bundle("replay-of-bundle-1", "accept", "the same bytes again: a no-op (status already_imported)",
                 None, source=first, after=("valid-bundle-1",))
        c.cases[-1]["status"] = "already_imported"
        for case, reason, contains, hostile in _hostile_exports():
            c.bundle(case, "refuse", reason, contains, hostile=hostile)
        c.bundle("unknown-device", "refuse", "signed by device B, which HQ never enrolled", "unknown device key",
                 device="b", fresh=True)

        def flip(data: bytes) -> bytes:
            b = bytearray(data)
            b[512 + 200] ^= 1  # a byte inside payload.age
            return bytes(b)

        c.bundle("payload-byte-flipped", "refuse", "one bit of payload.age flipped", "authenticate", source=first,
                 post=flip)
        c.bundle("trailing-zero-block", "refuse", "a 512-byte zero block after the outer archive's end", "after",
                 source=first, post=lambda d: d + b"\0" * 512)
        _key_files(c)
        outer1, outer2 = _outer_members(first.read_bytes()), _outer_members(second.read_bytes())
        cp_text, cp_sig = outer1["checkpoint"], outer1["checkpoint.minisig"]
        c.checkpoint("checkpoint-valid", cp_text, cp_sig, "accept", "bundle 1's signed checkpoint", None)
        # Signed anew over their own bytes, so that the signature holds and only the line-ending rule refuses them.
        from crypto import minisign  # noqa: PLC0415
        from intake_app.bundles import format as bf  # noqa: PLC0415

        device_a = Vault.open(c.work / "device-a", PASSPHRASE)
        key_a = device_a.signing_key()
        device_a.lock()
        trusted = cp_sig.decode("ascii").split("\n")[2].removeprefix("trusted comment: ")
        for case, text, reason in (
                ("checkpoint-crlf", cp_text.replace(b"\n", b"\r\n"),
                 "the checkpoint with CRLF line ends, validly signed over those bytes (only the canonical LF text"
                 " parses)"),
                ("checkpoint-no-final-lf", cp_text.rstrip(b"\n"),
                 "the checkpoint without its final LF, validly signed over those bytes")):
            resigned = minisign.sign(key_a, text, trusted, bf.CHECKPOINT_SIG_COMMENT).encode("ascii")
            c.checkpoint(case, text, resigned, "refuse", reason, "checkpoint")
        c.bundle("untrusted-comment-changed", "refuse", "payload.age.minisig with another untrusted comment (the"
                 " first line of every .minisig is fixed and checked)", "first line", source=first,
                 post=lambda d: _rebuild_outer(d, lambda p: p.update({"payload.age.minisig": p[
                     "payload.age.minisig"].replace(b"bundle payload", b"bundle PAYLOAD", 1)})))
        c.bundle("minisig-crlf", "refuse", "checkpoint.minisig with CRLF line ends on lines 2-4 (LF only)",
                 "four lines", source=first,
                 post=lambda d: _rebuild_outer(d, lambda p: p.update({"checkpoint.minisig": p[
                     "checkpoint.minisig"].replace(b"\n", b"\r\n").replace(b"checkpoint\r\n", b"checkpoint\n", 1)})))
        c.bundle("minisig-no-final-lf", "refuse", "payload.age.minisig without its final LF", "four lines",
                 source=first, post=lambda d: _rebuild_outer(d, lambda p: p.update({"payload.age.minisig": p[
                     "payload.age.minisig"][:-1]})))
        c.checkpoint("checkpoint-other-signature", cp_text, outer2["checkpoint.minisig"], "refuse",
                     "bundle 1's checkpoint with bundle 2's checkpoint signature", None)
        assert checkpoint.parse(cp_text)
        from tools.conformance_updates import build_updates  # noqa: PLC0415

        c.cases += build_updates(out, c.hq)
        c.hq.lock()
    index = {"format": "testimony-intake conformance corpus", "version": 1,
             "test_only_keys": {"hq_identity": "keys/hq-identity.TEST-ONLY.txt", "hq_public": "keys/hq.TEST-ONLY.pub",
                                "enrolled_device": "keys/device-a.TEST-ONLY.pub",
                                "not_enrolled_device": "keys/device-b.TEST-ONLY.pub"},
             "cases": c.cases}
    (out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(_readme(c.cases), encoding="utf-8")
    return c.cases


README_HEAD = """# Conformance corpus (bundle format v1, HQ update format v1)

Small files with the verdict a correct implementation of [../bundle-format.md](../bundle-format.md) and
[../formats/](../formats/) gives each. `index.json` is the machine-readable list; this page is the same list for
people. This program runs every case in `tests/test_conformance.py`; rebuild the corpus with

    .venv/bin/python -m tools.conformance docs/conformance

(bytes change on every rebuild — fresh keys, ids, times, age nonces — the verdicts do not; the generator checks each
case against the program before it writes the index).

## The keys are TEST ONLY

Every key in `keys/` is **TEST ONLY**: published here, so anyone can decrypt what is encrypted to them. Never enrol
`device-*.TEST-ONLY.pub` on a real HQ, never pin `hq.TEST-ONLY.pub` on a real laptop.

| file | what |
| --- | --- |
| `keys/hq-identity.TEST-ONLY.txt` | the HQ's **secret** age X25519 identity (stock `age -d -i` reads it) |
| `keys/hq.TEST-ONLY.pub` | the HQ public key file ([../formats/key-files.md](../formats/key-files.md) §2) |
| `keys/device-a.TEST-ONLY.pub` | device A, **enrolled** at that HQ: signs every bundle and checkpoint unless stated |
| `keys/device-b.TEST-ONLY.pub` | device B, **not** enrolled |

## How to run a case

- `bundle`: a fresh HQ holding `hq-identity`, with device A enrolled and nothing imported; import the bundles named in
  `after` (each must be accepted), then `file`. `accept`: imported (or `status`: `already_imported`, a replay no-op);
  `refuse`: refused, and HQ's records unchanged.
- `hq-key-file` / `device-key-file`: parse `file` as that kind of key file; `accept` means it parses.
- `checkpoint`: verify `file` with its minisign signature `signature` and the key `signed_by`
  ([../formats/minisign-and-checkpoint.md](../formats/minisign-and-checkpoint.md)); `accept` means it verifies.
- `update`: an HQ update ([../formats/hq-update.md](../formats/hq-update.md)) for the TEST-ONLY laptop key
  `seed = SHA-256("testimony-intake conformance corpus TEST-ONLY laptop key")`,
  `key_id = SHA-256(seed ‖ "key id")[:8]` (public by design), on a fresh laptop that pinned `keys/hq.TEST-ONLY.pub`:
  import the updates named in `after` (each must be accepted), then `file`. `accept`: imported; `refuse`: refused,
  and the laptop unchanged. The files are signed by the `signing-key` of `hq.TEST-ONLY.pub` unless stated.

`reason` says what is wrong in words; `reason_contains` is a word of this program's own refusal message (another
implementation's wording may differ: compare verdicts).

## Cases

| id | kind | expect | reason |
| --- | --- | --- | --- |
"""


def _readme(cases: list[dict[str, Any]]) -> str:
    rows = [f"| `{c['id']}` | {c['kind']} | {c.get('status') or c['expect']} | {c['reason']} |" for c in cases]
    return README_HEAD + "\n".join(rows) + "\n"


def _key_files(c: Corpus) -> None:
    hq = (c.out / "keys" / "hq.TEST-ONLY.pub").read_bytes()
    dev = (c.out / "keys" / "device-a.TEST-ONLY.pub").read_bytes()
    lines = hq.decode().splitlines()
    recipient = next(ln for ln in lines if ln.startswith("recipient "))
    signing = next(ln for ln in lines if ln.startswith("signing-key "))
    k = "hq-key-file"
    c.key_file("hq-key-file-valid", k, hq, "accept", "the HQ key file as intake keys export writes it", None)
    c.key_file("hq-key-file-crlf", k, hq.replace(b"\n", b"\r\n"), "accept", "the same with CRLF line ends", None)
    c.key_file("hq-key-file-no-final-newline", k, hq.rstrip(b"\n"), "accept", "without the final LF", None)
    c.key_file("hq-key-file-bare-recipient", k, recipient.split(" ", 1)[1].encode() + b"\n", "accept",
               "a bare age recipient line (an offline backup key)", None)
    c.key_file("hq-key-file-vertical-tab", k, hq.replace(b"\n", b"\v", 2), "refuse", "VT used as a line end",
               "U+000B")
    c.key_file("hq-key-file-line-separator", k, hq.decode().replace("\n", "\u2028", 2).encode(), "refuse",
               "U+2028 used as a line end", "U+2028")
    c.key_file("hq-key-file-lone-cr", k, hq.replace(b"\n", b"\r", 2), "refuse", "a lone CR used as a line end",
               "U+000D")
    c.key_file("hq-key-file-two-recipients", k, hq + recipient.encode() + b"\n", "refuse",
               "a second recipient line", "unexpected line")
    c.key_file("hq-key-file-tab-separator", k, hq.replace(b"recipient ", b"recipient\t"), "refuse",
               "TAB between keyword and value", "unexpected line")
    c.key_file("hq-key-file-no-recipient", k, signing.encode() + b"\n", "refuse", "only a signing-key line",
               "names no recipient")
    d = "device-key-file"
    c.key_file("device-key-file-valid", d, dev, "accept", "a device's minisign public key file", None)
    c.key_file("device-key-file-crlf", d, dev.replace(b"\n", b"\r\n"), "accept", "the same with CRLF", None)
    c.key_file("device-key-file-bare-key", d, dev.splitlines()[1] + b"\n", "accept", "the bare key line", None)
    c.key_file("device-key-file-empty-line", d, dev.replace(b"\n", b"\n\n", 1), "refuse", "an empty line", None)
    c.key_file("device-key-file-other-algorithm", d, dev.replace(b"\nRW", b"\nRU", 1), "refuse",
               "the key's algorithm bytes changed from Ed", None)


# ---- running a case (the project's own verdict) ------------------------------------------------------------------
def _hq(out: Path, work: Path) -> Any:
    """A fresh HQ vault holding the corpus's TEST-ONLY identity, with device A enrolled."""
    from crypto import bech32  # noqa: PLC0415
    from intake_app.bundles.keyring import Keyring, parse_device_key_file, read_key_file  # noqa: PLC0415
    from intake_app.vault.database import Transaction  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    hq = Vault.create(work, PASSPHRASE, "hq")[0]
    lines = (out / "keys" / "hq-identity.TEST-ONLY.txt").read_text(encoding="utf-8").splitlines()
    _, secret = bech32.decode(next(ln for ln in lines if ln.startswith("AGE-SECRET-KEY-")))
    with Transaction(hq.conn):
        hq.conn.execute("UPDATE age_identities SET secret = ?", (secret,))
    device = parse_device_key_file(read_key_file(out / "keys" / "device-a.TEST-ONLY.pub"))
    Keyring(hq).enrol(device, "device A (TEST ONLY)")
    return hq


def run_case(out: Path, case: dict[str, Any]) -> str | None:
    """None when the program gives ``case`` its stated verdict, else what it did instead."""
    from crypto.checkpoint import verify_checkpoint  # noqa: PLC0415
    from crypto.errors import CryptoError  # noqa: PLC0415
    from intake_app.bundles.importer import Importer  # noqa: PLC0415
    from intake_app.bundles.keyring import parse_device_key_file, parse_hq_key_file, read_key_file  # noqa: PLC0415
    from intake_app.errors import IntakeError  # noqa: PLC0415

    os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")
    contains = (case.get("reason_contains") or "").lower()
    if case["kind"] == "update":
        from tools.conformance_updates import run_update_case  # noqa: PLC0415

        return run_update_case(out, case, json.loads((out / "index.json").read_text())["cases"])
    if case["kind"] == "bundle":
        with tempfile.TemporaryDirectory(prefix="conformance-hq-") as tmp:
            hq = _hq(out, Path(tmp) / "hq")
            try:
                importer = Importer(hq)
                for before in case["after"]:
                    earlier = next(c for c in json.loads((out / "index.json").read_text())["cases"]
                                   if c["id"] == before)
                    if importer.import_file(out / earlier["file"]).status != "imported":
                        return f"the bundle {before} it follows was not imported"
                outcome = importer.import_file(out / case["file"])
            finally:
                hq.lock()
        want = case.get("status") or ("imported" if case["expect"] == "accept" else "refused")
        if outcome.status != want or contains not in (outcome.reason or "").lower():
            return f"{outcome.status}: {outcome.reason}"
        return None
    try:
        if case["kind"] == "hq-key-file":
            parse_hq_key_file(read_key_file(out / case["file"]))
        elif case["kind"] == "device-key-file":
            parse_device_key_file(read_key_file(out / case["file"]))
        else:
            key = parse_device_key_file(read_key_file(out / case["signed_by"]))
            verify_checkpoint(key, (out / case["file"]).read_bytes(), (out / case["signature"]).read_bytes())
    except (IntakeError, CryptoError) as exc:
        if case["expect"] == "refuse" and contains in str(exc).lower():
            return None
        return f"refused: {exc}"
    return None if case["expect"] == "accept" else "accepted"


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "conformance"
    cases = build(out)
    failures = [(case["id"], got) for case in cases if (got := run_case(out, case)) is not None]
    for case_id, got in failures:
        print(f"{case_id}: {got}", file=sys.stderr)
    print(f"{len(cases)} cases written to {out}; {len(failures)} do not get their stated verdict")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

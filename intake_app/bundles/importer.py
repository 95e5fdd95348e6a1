"""Import (HQ): verify a bundle completely, decrypt it as a stream, and commit it in one transaction — or not at all.

Stage 1 is the auditor's check (:mod:`intake_app.bundles.verify`) with the signer looked up among enrolled devices.
Stage 2 decrypts the payload straight from the bundle file into the inner archive reader: nothing decrypted is ever
written to a file; attachments go into the encrypted blob store. The inner signature, the manifest (same device, same
bundle, same log, this HQ among the recipients) and every file's size and hash are checked while the rows are staged
inside one database transaction; only when all of it holds is the transaction committed. Any failure rolls it back
and removes staged blobs: the HQ state is as before, and the refusal is recorded with its reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crypto import age, merkle, minisign
from crypto.errors import CryptoError
from crypto.signing import PublicKey
from intake_app.bundles import format as bf
from intake_app.bundles import log_status
from intake_app.bundles.keyring import Keyring
from intake_app.bundles.log_status import device_status
from intake_app.bundles.payload import SignedPayload
from intake_app.bundles.ustar import TarReader
from intake_app.bundles.verify import BundleRefused, OuterBundle, check_payload_signature, verify_outer
from intake_app.errors import IntakeError, UsageError
from intake_app.records import derived, interchange, revisions
from intake_app.records.attachments import Link, put_link
from intake_app.records.ids import bound_to, is_device_bound, is_uuid
from intake_app.records.interchange_schema import FORBIDDEN_IN_LINE, is_blank
from intake_app.records.store import search_fields, summarise
from intake_app.search.index import HeldWrites, SearchIndex
from intake_app.vault.audit import ACTIONS as AUDIT_ACTIONS
from intake_app.vault.audit import AuditLog
from intake_app.vault.blobstore import BlobStore
from intake_app.vault.database import DatabaseError, Transaction
from intake_app.vault.vault import BLOBS_DIR, Vault, utc_now

Progress = Callable[[int, int], None]
__all__ = ["ImportOutcome", "Importer", "device_status", "is_line", "is_timestamp"]
_REVISION_KEYS = {"kind", "record", "parents", "device", "at", "content_sha256", "tombstone", "id"}
_LINK_KEYS = {"record", "sha256", "original_name", "media_type", "size", "captured_at", "added_at", "device"}


@dataclass
class ImportOutcome:
    file: str
    status: str  # imported | already_imported | refused
    reason: str | None = None
    device: str | None = None
    device_name: str | None = None
    seq: int | None = None
    bundle_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


_UNKNOWN_TYPE = "application/octet-stream"
_BAD_IN_LINE = re.compile(f"[{FORBIDDEN_IN_LINE}]")
# RFC 6838 type/subtype, lower case as guess_media_type gives it; parameters are not needed.
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")
MAX_NAME = 255
_HEX64 = re.compile(r"[0-9a-f]{64}")
_AUDIT_KEYS = {"seq", "at", "device", "action", "subject", "detail"}
# A device's audit log may hold at most this many entries (its leaves travel in every bundle: 32 MB at the limit).
MAX_LOG_LEAVES = bf.MAX_LOG_LEAVES
# Revisions staged between two refreshes of the derived rows: every BATCH testimonies (and at the end of the bundle) the
# records they touched are refreshed and the changes published to the derived indexes, inside the bundle's one
# transaction, and the parsed testimonies are dropped. Memory is therefore bounded by the batch, not by the bundle; a
# refusal later in the bundle still rolls everything back, derived rows included.
BATCH = 500


is_timestamp = bf.is_timestamp
MAX_TIMESTAMP = bf.MAX_TIMESTAMP


def is_line(value: object, limit: int) -> bool:
    """A non-empty single line by the interchange's text rules: NFC, no C0/C1 or bidi controls, at most limit chars."""
    return (isinstance(value, str) and 0 < len(value) <= limit and not is_blank(value)
            and _BAD_IN_LINE.search(value) is None and unicodedata.is_normalized("NFC", value))


def verify_payload(payload: SignedPayload) -> None:
    """The payload's signature over the bytes just decrypted (a module-level name, so a test can disable it)."""
    payload.verify()


def _canonical_file(content: bytes, env: dict[str, Any]) -> bytes:
    """``bf.canonical({"content": json.loads(content), "revision": env})`` for canonical ``content``, without
    serialising the content a second time: canonical JSON sorts the two keys and writes each value as it would alone."""
    return b'{"content":' + content + b',"revision":' + bf.canonical(env) + b"}"


class _KnownDigest:
    """Stands in for a hashlib object when the hash was already computed while storing."""

    def __init__(self, hexdigest: str) -> None:
        self._hex = hexdigest

    def hexdigest(self) -> str:
        return self._hex


class Importer:
    def __init__(self, vault: Vault) -> None:
        if vault.role != "hq":
            raise UsageError("bundles are imported into the HQ vault")
        self.vault = vault
        self.conn = vault.conn
        self.keyring = Keyring(vault)
        self.identity = self.keyring.identity()
        self.own_recipient = str(self.identity.recipient)
        self.blobs = BlobStore(vault.path / BLOBS_DIR)
        self.audit = AuditLog(self.conn, self.keyring.signing_key.public_key.key_id_hex)

    def _resolve(self, key_id: bytes) -> PublicKey:
        hex_id = key_id[::-1].hex().upper()
        row = self.conn.execute("SELECT public_key FROM devices WHERE key_id = ?", (hex_id,)).fetchone()
        if row is None:
            raise BundleRefused(f"the bundle is signed by an unknown device key {hex_id}: enrol the device first")
        return PublicKey(key_id, bytes(row[0]))

    def import_file(self, path: Path, progress: Progress | None = None) -> ImportOutcome:
        outcome = ImportOutcome(file=str(path), status="refused")
        try:
            outer = verify_outer(path, self._resolve, check_payload=False)
            outcome.device, outcome.seq = outer.comment.device, outer.comment.seq
            outcome.bundle_id = outer.comment.bundle_id
            device = self.keyring.device(outer.comment.device)
            outcome.device_name = device.name
            if self.conn.execute("SELECT 1 FROM bundles WHERE manifest_sha256 = ?",
                                 (outer.comment.manifest_sha256,)).fetchone():
                check_payload_signature(outer)  # a damaged copy of an imported bundle is reported as damaged
                outcome.status = "already_imported"
                return outcome
            if outer.comment.log_size > MAX_LOG_LEAVES:
                raise BundleRefused(f"the bundle's audit log has {outer.comment.log_size} entries, more than the"
                                    f" {MAX_LOG_LEAVES} HQ accepts from one device")
            if device.revoked_at:
                # Decided by bundle numbers only: the created_at of a (possibly stolen) laptop is its holder's choice.
                # A revoked device may still deliver a bundle it made before, numbered up to --accept-up-to and not
                # yet here; a second bundle with a number HQ already holds is a forgery, not a bundle in transit.
                limit = device.revoked_after_seq or 0
                if outer.comment.seq > limit:
                    raise BundleRefused(f"the device was revoked on {device.revoked_at} ({device.revocation_reason});"
                                        f" only its bundles up to number {limit} are accepted")
                if self.conn.execute("SELECT 1 FROM bundles WHERE device = ? AND seq = ?",
                                     (outer.comment.device, outer.comment.seq)).fetchone():
                    raise BundleRefused(f"the device was revoked on {device.revoked_at} ({device.revocation_reason});"
                                        f" HQ already holds its bundle number {outer.comment.seq}, so this other"
                                        " bundle with that number is refused")
            outcome.counts = self._import(outer, progress)
            outcome.status = "imported"
            outcome.warnings = self._warnings(outer.comment.device)
        except (IntakeError, CryptoError) as exc:
            if isinstance(exc, UsageError) and outcome.device is None and not path.is_file():
                raise
            outcome.reason = str(exc)
            self._record_refusal(path, outcome)
        except DatabaseError as exc:
            outcome.reason = ("the disk holding the HQ vault is full; nothing was imported" if "full" in str(exc).lower()
                              else "the HQ vault could not be written; nothing was imported")
            self._record_refusal(path, outcome)
        return outcome

    def _record_refusal(self, path: Path, outcome: ImportOutcome) -> None:
        now = utc_now()
        with contextlib.suppress(DatabaseError), Transaction(self.conn):  # a full disk may refuse this too
            self.conn.execute(
                "INSERT INTO import_refusals (at, file_name, file_sha256, device, reason) VALUES (?, ?, ?, ?, ?)",
                (now, path.name[:255], None, outcome.device, (outcome.reason or "")[:1000]))
            self.audit.append("import_refused", now, outcome.bundle_id, {"device": outcome.device})

    # ---- stage 2
    def _import(self, outer: OuterBundle, progress: Progress | None) -> dict[str, int]:
        staged_blobs: list[str] = []  # every blob stored for this bundle
        self._new_blobs: set[str] = set()  # those the transaction's rows name
        committed = False
        try:
            # One pass over the payload: each block read from the file feeds the BLAKE2b prehash of its signature,
            # then the decryption; the signature is checked once the age stream is read to its end, before the
            # transaction commits (docs/bundle-format.md §5).
            with SignedPayload(outer) as payload, Transaction(self.conn):  # commits only if everything below returns
                try:
                    plain = age.open_decrypt(payload, [self.identity], armor=False)  # type: ignore[arg-type]
                except age.NoIdentityMatchError:
                    raise BundleRefused("the bundle was not encrypted for this HQ (another HQ key?)") from None
                # One X25519 stanza per named recipient and nothing else: checked against the manifest in _manifest.
                stanzas = plain.header.stanzas if plain.header is not None else ()
                self._payload_stanzas = len(stanzas) if all(s.type == "X25519" for s in stanzas) else -1
                counts = self._stage(outer, TarReader(plain), staged_blobs, progress)  # type: ignore[arg-type]
                verify_payload(payload)
            committed = True
        finally:
            # On failure: everything staged, rolled-back rows' blobs too. On success: only the duplicates of
            # attachments HQ already had.
            for blob_id in staged_blobs:
                if not (committed and blob_id in self._new_blobs):
                    with contextlib.suppress(Exception):
                        self.blobs.delete(blob_id)
        return counts

    def _stage(self, outer: OuterBundle, inner: TarReader, staged_blobs: list[str],
               progress: Progress | None) -> dict[str, int]:
        c = outer.comment
        members = inner.members()

        def expect(name: str, size: int | None = None) -> None:
            member = next(members, None)
            if member is None or member.name != name or (size is not None and member.size != size):
                raise BundleRefused(f"the encrypted archive does not match its manifest at {name}")

        manifest = self._manifest(outer, inner, expect)
        total = sum(f.size for f in manifest.files)
        done = 0
        touched: set[str] = set()  # records with a revision staged since the last refresh
        parsed: dict[str, interchange.Testimony] = {}  # revision id -> its testimony, validated here (this batch)
        keys = revisions.DeviceKeys.load(self.conn)  # read once: nothing in an import changes devices or keys
        self._next_seq = revisions.next_local_seq(self.conn)  # this transaction numbers the revisions it stores
        links: list[dict[str, Any]] = []
        counts = {"revisions": 0, "new_revisions": 0, "attachments": 0, "audit_entries": 0}
        leaves = [outer.leaves[i : i + 32] for i in range(0, len(outer.leaves), 32)]
        for entry in manifest.files:
            expect(entry.path, entry.size)
            digest: Any = hashlib.sha256()
            if m := bf.REVISION_RE.match(entry.path):
                data = inner.read_all(bf.MAX_REVISION_FILE)
                digest.update(data)
                new = self._revision(m[1], data, outer.key, touched, parsed)
                counts["revisions"] += 1
                counts["new_revisions"] += int(new)
                if max(len(touched), len(parsed)) >= BATCH:
                    self._refresh(touched, parsed, keys)
            elif entry.path == bf.ATTACHMENT_LINKS:
                data = inner.read_all(bf.MAX_LINKS_FILE)
                digest.update(data)
                links = self._links(data, c.device)
            elif m := bf.ATTACHMENT_RE.match(entry.path):
                # BlobStore.put hashes the plaintext as it stores it; that hash is checked against the manifest.
                digest = _KnownDigest(self._attachment(m[1], entry.size, inner, staged_blobs))
                counts["attachments"] += 1
            else:  # audit.jsonl
                counts["audit_entries"] = self._audit(inner, digest, outer, leaves)
            if not hmac.compare_digest(digest.hexdigest(), entry.sha256):
                raise BundleRefused(f"{entry.path} does not match its hash in the manifest")
            done += entry.size
            if progress:
                progress(done, total)
        if next(members, None) is not None:
            raise BundleRefused("the encrypted archive holds files its manifest does not name")
        inner.finish(allow_trailing_zeros=False)  # reads the age stream to its authenticated end
        self._commit_rows(outer, manifest, links, touched, leaves, counts, parsed, keys)
        return counts

    def _manifest(self, outer: OuterBundle, inner: TarReader, expect: Callable[[str], None]) -> bf.Manifest:
        """The inner manifest, checked against its signature, the outer signature and this HQ's recipient."""
        c = outer.comment
        expect(bf.MANIFEST)
        manifest_bytes = inner.read_all(bf.MAX_MANIFEST)
        expect(bf.MANIFEST_SIG)
        sig = inner.read_all(bf.MAX_SIGNATURE)
        if not bf.is_strict_signature(sig, bf.MANIFEST_SIG_COMMENT):  # fixed first line, LF only (bundle-bytes §1-2)
            raise BundleRefused("the manifest's signature file is not exactly the four lines bundles carry")
        verified = minisign.verify(outer.key, manifest_bytes, sig)
        sha = hashlib.sha256(manifest_bytes).hexdigest()
        if not hmac.compare_digest(sha, c.manifest_sha256):
            raise BundleRefused("the manifest inside is not the one the outer signature names (payload swapped?)")
        if verified.trusted_comment != bf.manifest_comment(c.bundle_id, c.seq, sha):
            raise BundleRefused("the inner signature was made for another bundle")
        manifest = bf.parse_manifest(manifest_bytes)
        if (manifest.bundle_id, manifest.device, manifest.seq, manifest.created_at, manifest.log_size) != (
                c.bundle_id, c.device, c.seq, c.created_at, c.log_size) or manifest.log_root != c.log_root:
            raise BundleRefused("the manifest and the outer signature disagree about the bundle")
        if self.own_recipient not in manifest.recipients:
            raise BundleRefused("this HQ is not among the bundle's named recipients (it was re-encrypted or forwarded)")
        if getattr(self, "_payload_stanzas", len(manifest.recipients)) != len(manifest.recipients):
            raise BundleRefused("the payload is encrypted to recipients its manifest does not name")
        return manifest

    @staticmethod
    def _envelope(rev_id: str, data: bytes, device: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The revision file's document and envelope, checked for form: the documented keys, this device, an RFC 3339
        UTC time, parents sorted, distinct and lower-case. That the file is canonical JSON is checked here for a
        deletion, and by :meth:`_revision` once the content is validated (see :func:`_canonical_file`)."""
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BundleRefused(f"revision {rev_id[:12]} is not valid JSON") from None
        if not isinstance(doc, dict) or set(doc) != {"revision", "content"}:
            raise BundleRefused(f"revision {rev_id[:12]} is malformed")
        if doc["content"] is None and bf.canonical(doc) != data:
            raise BundleRefused(f"revision {rev_id[:12]} is not in canonical JSON form")
        env = doc["revision"]
        if not isinstance(env, dict) or set(env) != _REVISION_KEYS or env["kind"] != revisions.KIND_TESTIMONY:
            raise BundleRefused(f"revision {rev_id[:12]} has a malformed envelope")
        record, parents, at, tomb = env["record"], env["parents"], env["at"], env["tombstone"]
        if (not isinstance(record, str) or not is_uuid(record) or not isinstance(parents, list)
                or not all(isinstance(p, str) and len(p) == 64 for p in parents) or not isinstance(at, str)
                or type(tomb) is not bool or env["id"] != rev_id or env["device"] != device):
            raise BundleRefused(f"revision {rev_id[:12]} has a malformed envelope or names another device")
        if not is_timestamp(at):
            raise BundleRefused(f"revision {rev_id[:12]} has a time that is not an RFC 3339 UTC timestamp")
        if parents != sorted(set(parents)) or not all(_HEX64.fullmatch(p) for p in parents):
            raise BundleRefused(f"revision {rev_id[:12]} has parents that are not sorted, distinct, lower-case ids")
        return doc, env

    def _revision(self, rev_id: str, data: bytes, key: PublicKey, touched: set[str],
                  parsed: dict[str, interchange.Testimony]) -> bool:
        """Check and stage one revision file. Its content is validated here, once: what is stored is the canonical
        form of the validated testimony, which later readers trust (with an integrity check, records/stored.py);
        the testimony itself is kept in ``parsed`` until its batch's records are refreshed (:meth:`_refresh`)."""
        device = key.key_id_hex
        doc, env = self._envelope(rev_id, data, device)
        record, parents, at, tomb = env["record"], env["parents"], env["at"], env["tombstone"]
        if not parents and is_device_bound(record) and not bound_to(record, key):
            # The id commits to the device that made it (docs/bundle-format.md §3.1): nobody else starts it.
            raise BundleRefused(f"revision {rev_id[:12]} is a first version of record {record}, whose id was made"
                                " by another device")
        if tomb:
            if doc["content"] is not None:
                raise BundleRefused(f"revision {rev_id[:12]} is a deletion with content")
            content = b""
        else:
            try:
                testimony = interchange.validate(doc["content"])
                # a consent decision dated after its revision's time or HQ's clock (+1 day) is refused (issue 23)
                interchange.check_decision_dates(testimony, min(at, utc_now()))
            except UsageError as exc:
                raise BundleRefused(f"revision {rev_id[:12]} holds an invalid testimony: {exc}") from None
            if testimony.id != record:
                raise BundleRefused(f"revision {rev_id[:12]} holds another record's content")
            content = interchange.dumps_canonical(testimony)
            if _canonical_file(content, env) != data:
                # The file is exactly the canonical form of {content: the validated testimony, revision: env}: it is
                # canonical JSON, and what is stored is the content it carries, byte for byte.
                raise BundleRefused(f"revision {rev_id[:12]} is not in canonical JSON form")
        rev = revisions.Revision.make(record, parents, device, at, content, tombstone=tomb)
        if rev.id != rev_id or rev.content_hash != env["content_sha256"]:
            raise BundleRefused(f"revision {rev_id[:12]} does not match its id or content hash")
        touched.add(record)
        if not tomb:
            parsed[rev.id] = testimony
        new = revisions.insert_revision(self.conn, rev, self._next_seq)
        self._next_seq += int(new)
        return new

    @staticmethod
    def _links(data: bytes, device: str) -> list[dict[str, Any]]:
        try:
            links = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BundleRefused("the attachment list is not valid JSON") from None
        if not isinstance(links, list):
            raise BundleRefused("the attachment list is malformed")
        if bf.canonical(links) != data:
            raise BundleRefused("the attachment list is not in canonical JSON form")
        for link in links:
            if (not isinstance(link, dict) or set(link) - {"removed_at"} != _LINK_KEYS
                    or not all(isinstance(link[k], str) for k in ("record", "sha256", "original_name", "media_type",
                                                                   "added_at", "device"))
                    or not is_uuid(link["record"]) or not bf.ATTACHMENT_RE.match(f"attachments/{link['sha256']}")
                    or type(link["size"]) is not int or link["size"] < 0):
                raise BundleRefused("the attachment list has a malformed entry")
            if not is_line(link["original_name"], MAX_NAME) or re.search(r"[\\/]", link["original_name"]):
                raise BundleRefused("the attachment list has a file name with control characters, a path or too long")
            if not _MEDIA_TYPE.fullmatch(link["media_type"]):
                raise BundleRefused("the attachment list has a malformed media type")
            if (not is_timestamp(link["added_at"]) or not (link["captured_at"] is None
                                                           or is_timestamp(link["captured_at"]))
                    or ("removed_at" in link and not is_timestamp(link["removed_at"]))):
                raise BundleRefused("the attachment list has a time that is not an RFC 3339 UTC timestamp")
            if link["device"] != device:
                raise BundleRefused("the attachment list names another device: a device vouches only for its own")
        return links

    def _attachment(self, sha: str, size: int, inner: TarReader, staged: list[str]) -> str:
        # The member's plaintext, decrypted straight into the blob store's buffers (TarReader.readinto).
        stored = self.blobs.put(inner)  # type: ignore[arg-type]
        staged.append(stored.blob_id)
        if stored.sha256 != sha or stored.size != size:
            raise BundleRefused(f"attachment {sha[:12]} does not match its name")
        if self.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,)).fetchone():
            return stored.sha256  # already here from another bundle or device; the staged copy is removed after commit
        self.conn.execute(
            "INSERT INTO attachments (sha256, blob_id, blob_key, size, media_type, added_at) VALUES (?, ?, ?, ?, ?, ?)",
            (sha, stored.blob_id, stored.key, size, _UNKNOWN_TYPE, utc_now()))
        self._new_blobs.add(stored.blob_id)  # kept if the transaction commits
        return stored.sha256

    def _audit(self, inner: TarReader, digest: Any, outer: OuterBundle, leaves: list[bytes]) -> int:
        """The audit entries: canonical lines, contiguous positions ending at the checkpoint's last leaf, the last one
        this bundle's own export entry (docs/formats/bundle-bytes.md §7)."""
        c = outer.comment
        pending = b""
        count = 0
        last: dict[str, Any] | None = None
        while chunk := inner.read(1 << 20):
            digest.update(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                entry = self._audit_line(line, c.device, leaves)
                if last is not None and entry["seq"] != last["seq"] + 1:
                    raise BundleRefused("the audit entries are not contiguous (a position is repeated or missing)")
                last = entry
                count += 1
            if len(pending) > 1 << 16:
                raise BundleRefused("an audit entry is too long")
        if pending:
            raise BundleRefused("the audit entries do not end with a newline")
        if last is None or last["seq"] != c.log_size - 1:
            raise BundleRefused("the audit entries do not reach the end of the signed log")
        if (last["action"], last["subject"]) != ("export", c.bundle_id) or last["detail"].get("seq") != c.seq:
            raise BundleRefused("the last audit entry is not this bundle's own export entry")
        return count

    def _audit_line(self, line: bytes, device: str, leaves: list[bytes]) -> dict[str, Any]:
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BundleRefused("an audit entry is not valid JSON") from None
        if not isinstance(entry, dict) or set(entry) != _AUDIT_KEYS or bf.canonical(entry) != line:
            raise BundleRefused("an audit entry is malformed or not in canonical JSON form")
        seq = entry["seq"]
        if type(seq) is not int or not 0 <= seq < len(leaves) or entry["device"] != device:
            raise BundleRefused("an audit entry has a bad position or device")
        if (not is_timestamp(entry["at"]) or entry["action"] not in AUDIT_ACTIONS
                or not (entry["subject"] is None or is_line(entry["subject"], 256))
                or not isinstance(entry["detail"], dict)):
            raise BundleRefused(f"audit entry {seq} has a bad time, action, subject or detail")
        if not hmac.compare_digest(merkle.leaf_hash(line), leaves[seq]):
            raise BundleRefused(f"audit entry {seq} does not match the signed log")
        self.conn.execute("INSERT OR IGNORE INTO device_audit (device, leaf, seq, entry) VALUES (?, ?, ?, ?)",
                          (device, leaves[seq], seq, line))
        return entry

    def _commit_rows(self, outer: OuterBundle, manifest: bf.Manifest, links: list[dict[str, Any]],
                     touched: set[str], leaves: list[bytes], counts: dict[str, int],
                     parsed: dict[str, interchange.Testimony], keys: revisions.DeviceKeys) -> None:
        c = outer.comment
        for link in links:
            # Each device's link is its own row: another device never overwrites its name, times or media type; a
            # removal is applied from the device's latest bundle, with its custody event (see put_link).
            removed_at = link.get("removed_at")
            put_link(self.conn, Link(link["record"], link["sha256"], link["original_name"], link["captured_at"],
                                     link["added_at"], link["device"], link["media_type"], removed_at),
                     custody=None if removed_at is None else ("removed", removed_at, {"record": link["record"]}),
                     bundle_seq=c.seq)
            if removed_at is not None:
                touched.add(link["record"])  # the list summary, persons, statistics and exports see the removal
            if link["media_type"] != _UNKNOWN_TYPE:  # the file's own type, for links that carry none
                self.conn.execute("UPDATE attachments SET media_type = ? WHERE sha256 = ? AND (media_type = ?"
                                  " OR media_type > ?)", (link["media_type"], link["sha256"], _UNKNOWN_TYPE,
                                                          link["media_type"]))
        now = utc_now()
        self.conn.execute(
            "INSERT INTO bundles (manifest_sha256, bundle_id, device, seq, previous_manifest_sha256, created_at,"
            " imported_at, log_size, log_root, log_fork, counts, leaves) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
            (c.manifest_sha256, c.bundle_id, c.device, c.seq, manifest.previous_manifest_sha256, c.created_at, now,
             c.log_size, c.log_root, json.dumps(counts), outer.leaves))
        log_status.record_checkpoint(self.conn, c.device, c.log_size, c.log_root, outer.leaves)
        self._refresh(touched, parsed, keys)
        self.audit.append("import", now, c.bundle_id, {"device": c.device, "seq": c.seq, **counts})

    def _refresh(self, touched: set[str], parsed: dict[str, interchange.Testimony],
                 keys: revisions.DeviceKeys) -> None:
        """Refresh the records touched since the last call (versions in play, summary, search entry) and publish the
        changes to the derived indexes, in the bundle's transaction; then forget them. A record touched again later in
        the bundle is refreshed again then, from every revision staged by that time (its state is a function of its
        set of revisions); a current revision parsed in an earlier batch is read back with its integrity check."""
        held = HeldWrites()  # the search entries are written last: see HeldWrites
        changes = [change for record_id in sorted(touched) if (change := revisions.refresh_record(
            self.conn, record_id, summarise, search_fields, parsed, keys, held)) is not None]
        derived.testimonies_saved(self.conn, changes)  # the derived indexes update from the changes
        held.apply_to(SearchIndex(self.conn))
        touched.clear()
        parsed.clear()

    def _warnings(self, device: str) -> list[str]:
        out = log_status.describe_status(device_status(self.conn, device))
        conflicts = self.conn.execute("SELECT count(*) FROM records WHERE conflicted = 1").fetchone()[0]
        if conflicts:
            out.append(f"{conflicts} testimonies have conflicting edits to resolve (intake conflicts list)")
        orphans = self.conn.execute("SELECT count(DISTINCT p.child) FROM revision_parents p WHERE NOT EXISTS"
                                    " (SELECT 1 FROM revisions r WHERE r.id = p.parent)").fetchone()[0]
        if orphans:
            out.append(f"{orphans} revisions name earlier revisions HQ has not received (a missing bundle?)")
        return out

"""Export (field): everything not yet sent — revisions, attachments, audit entries — as one signed, encrypted bundle.

Memory stays flat whatever the size: revisions are produced one at a time, attachments stream from their encrypted
blobs through the age writer into the archive, and the archive's payload member is written with a placeholder header
whose size is patched once the ciphertext is complete. The file is written under a hidden temp name in the target
folder, made durable, recorded in the vault, and only then renamed to its final name.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from crypto import age, fs, minisign
from crypto import checkpoint as cp_mod
from crypto.atomic_file import fsync_dir
from crypto.background_hash import BackgroundHasher
from intake_app.bundles import format as bf
from intake_app.bundles.keyring import Keyring
from intake_app.bundles.ustar import TarWriter, member_header, padding
from intake_app.errors import RefusedError, UsageError
from intake_app.records.ids import uuid7
from intake_app.records.revisions import envelope
from intake_app.vault.audit import AuditLog
from intake_app.vault.blobstore import BlobStore
from intake_app.vault.database import Transaction
from intake_app.vault.vault import BLOBS_DIR, Vault, utc_now

Progress = Callable[[int, int], None]
_COPY = 1 << 20


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    seq: int
    manifest_sha256: str
    revisions: int
    attachments: int
    audit_entries: int
    size: int
    fingerprint: str


class _PayloadSink:
    """Where the age writer sends the payload member: gathered into 1 MiB blocks, each written to the bundle file and
    fed to the BLAKE2b prehash of the payload's signature, and counted. The hash runs beside the encryption on a helper
    thread where a second core may run it (BackgroundHasher: the block is shared with it, not copied again); memory is
    a few blocks whatever the bundle's size."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.count = 0
        self._prehash = hashlib.blake2b(digest_size=minisign.PREHASH_LEN)  # minisign's ED prehash
        self._hashing = BackgroundHasher(self._prehash)
        self._block = self._hashing.buffer()
        self._fill = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        with memoryview(data) as raw, raw.cast("B") as view:
            size = len(view)
            pos = 0
            while pos < size:
                take = min(size - pos, len(self._block) - self._fill)
                self._block[self._fill : self._fill + take] = view[pos : pos + take]
                self._fill += take
                pos += take
                if self._fill == len(self._block):
                    self._send()
        self.count += size
        return size

    def _send(self) -> None:
        if self._fill:
            self._hashing.submit(self._block, self._fill)
            self.out.write(self._block[: self._fill])
            self._block = self._hashing.buffer()
            self._fill = 0

    def flush(self) -> None:
        self._send()
        self.out.flush()

    def digest(self) -> bytes:
        """The prehash of everything written (call once the age writer is closed)."""
        self._send()
        self._hashing.finish()
        return self._prehash.digest()

    def close(self) -> None:
        self._hashing.close()


def revision_file(row: tuple[Any, ...]) -> tuple[str, bytes]:
    """(member name, bytes) of one revision: its envelope with id, and its content as a JSON value (null if deleted)."""
    rev_id, record_id, parents, device, created_at, content_hash, tombstone, content = row
    env = envelope(str(record_id), tuple(json.loads(parents)), str(device), str(created_at), str(content_hash),
                   bool(tombstone))
    env["id"] = str(rev_id)
    body = {"revision": env, "content": None if tombstone else json.loads(bytes(content))}
    return f"revisions/{rev_id}.json", bf.canonical(body)


class _Selection:
    """What goes into this bundle, read from the database in a stable order."""

    def __init__(self, vault: Vault, everything: bool) -> None:
        self.conn = vault.conn
        self.where = "" if everything else " WHERE exported_in IS NULL"

    def revisions(self) -> Iterator[tuple[Any, ...]]:
        columns = "id, record_id, parents, device, created_at, content_hash, tombstone, content"
        yield from self.conn.execute(f"SELECT {columns} FROM revisions{self.where} ORDER BY local_seq")  # noqa: S608

    # `where` is one of two constant strings, never user input.
    def attachments(self) -> list[tuple[str, str, bytes, int]]:
        return [(str(a), str(b), bytes(c), int(d)) for a, b, c, d in self.conn.execute(
            f"SELECT sha256, blob_id, blob_key, size FROM attachments{self.where} ORDER BY sha256")]  # noqa: S608

    def links(self) -> list[dict[str, Any]]:
        columns = ("l.record_id, l.sha256, l.original_name, coalesce(l.media_type, a.media_type), a.size, l.captured_at,"
                   " l.added_at, l.device, l.removed_at")
        where = self.where.replace("exported_in", "l.exported_in")
        sql = f"SELECT {columns} FROM attachment_links l JOIN attachments a USING (sha256){where} ORDER BY 1, 2, 8"  # noqa: S608
        rows = self.conn.execute(sql)
        keys = ("record", "sha256", "original_name", "media_type", "size", "captured_at", "added_at", "device",
                "removed_at")
        # A live link has no "removed_at" key at all: a bundle without removals is byte for byte what it was before
        # removals travelled (docs/bundle-format.md §3, item 4).
        return [{k: v for k, v in zip(keys, r, strict=True) if k != "removed_at" or v is not None} for r in rows]

    def audit_lines(self) -> Iterator[bytes]:
        for (entry,) in self.conn.execute(f"SELECT entry FROM audit_log{self.where} ORDER BY seq"):  # noqa: S608
            yield bytes(entry) + b"\n"


def export_bundle(vault: Vault, directory: Path, *, everything: bool = False,
                  progress: Progress | None = None) -> ExportResult:
    """Write the next bundle into ``directory`` and return what was written."""
    if vault.role != "field":
        raise UsageError("bundles are exported from field vaults")
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder")
    keyring = Keyring(vault)
    recipients = [age.parse_recipient(r) for r, _, _ in keyring.recipients()]
    if not recipients:
        raise RefusedError("no HQ recipient is pinned: add HQ's public key file first (intake keys add HQ.pub)")
    key = keyring.signing_key
    device = key.public_key.key_id_hex
    conn = vault.conn
    blobs = BlobStore(vault.path / BLOBS_DIR)
    audit = AuditLog(conn, device)
    with Transaction(conn):
        last = conn.execute("SELECT seq, manifest_sha256 FROM exports ORDER BY seq DESC LIMIT 1").fetchone()
        seq = 1 if last is None else int(last[0]) + 1
        previous = None if last is None else str(last[1])
        bundle_id, now = uuid7(), utc_now()
        audit.append("export", now, bundle_id, {"seq": seq, "all": everything})
        log_size, log_root = audit.size(), audit.root()
        selection = _Selection(vault, everything)
        files, total = _plan(selection)
        manifest = bf.Manifest(bundle_id, device, seq, previous, now, tuple(sorted(str(r) for r in recipients)),
                               log_size, log_root, tuple(files))
        manifest_bytes = manifest.to_bytes()
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        name = bf.bundle_file_name(device, seq)
        final = directory / name
        if final.exists():
            raise RefusedError(f"{final} already exists; choose another folder")
        tmp = directory / f".{name}.partial-{secrets.token_hex(6)}"
        try:
            size = _write(tmp, key, recipients, manifest, manifest_bytes, manifest_sha, selection, blobs,
                          audit.leaf_hashes(), progress, total)
            counts = {"revisions": sum(1 for f in files if f.path.startswith("revisions/")),
                      "attachments": sum(1 for f in files if bf.ATTACHMENT_RE.match(f.path)),
                      "audit_entries": log_size - _exported_log_size(conn, everything)}
            conn.execute(
                "INSERT INTO exports (seq, bundle_id, manifest_sha256, created_at, log_size, log_root, file_name, counts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, bundle_id, manifest_sha, now, log_size, log_root, name, json.dumps(counts)))
            for table in ("revisions", "attachments", "attachment_links", "audit_log"):
                conn.execute(f"UPDATE {table} SET exported_in = ? WHERE exported_in IS NULL", (seq,))  # noqa: S608
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                raise RefusedError(f"not enough space in {directory} to write the bundle; nothing was exported") from None
            raise
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    # Committed: the vault now counts this bundle as sent. Only the rename remains; a crash here leaves a complete
    # hidden file that `finish_interrupted_exports` renames next time.
    tmp.replace(final)
    fsync_dir(directory)
    return ExportResult(final, bundle_id, seq, manifest_sha, counts["revisions"], counts["attachments"],
                        counts["audit_entries"], size, key.public_key.fingerprint())


def _exported_log_size(conn: Any, everything: bool) -> int:
    if everything:
        return 0
    row = conn.execute("SELECT log_size FROM exports ORDER BY seq DESC LIMIT 1").fetchone()
    return 0 if row is None else int(row[0])


def _plan(selection: _Selection) -> tuple[list[bf.FileEntry], int]:
    """Sizes and hashes of every inner file, computed before writing so the manifest can come first."""
    files: list[bf.FileEntry] = []
    for row in selection.revisions():
        name, data = revision_file(row)
        files.append(bf.FileEntry(name, len(data), hashlib.sha256(data).hexdigest()))
    links = bf.canonical(selection.links())
    files.append(bf.FileEntry(bf.ATTACHMENT_LINKS, len(links), hashlib.sha256(links).hexdigest()))
    for sha, _, _, size in selection.attachments():
        files.append(bf.FileEntry(f"attachments/{sha}", size, sha))
    audit_hash, audit_size = hashlib.sha256(), 0
    for line in selection.audit_lines():
        audit_hash.update(line)
        audit_size += len(line)
    files.append(bf.FileEntry(bf.AUDIT_ENTRIES, audit_size, audit_hash.hexdigest()))
    return files, sum(f.size for f in files)


def _write(tmp: Path, key: Any, recipients: list[age.X25519Recipient], manifest: bf.Manifest, manifest_bytes: bytes,
           manifest_sha: str, selection: _Selection, blobs: BlobStore, leaves: list[bytes],
           progress: Progress | None, total: int) -> int:
    fd = fs.create_private_file(tmp)
    with os.fdopen(fd, "wb") as out:
        outer = TarWriter(out)
        header_at = out.tell()
        out.write(member_header("payload.age", 0))  # patched below, once the size is known
        counting = _PayloadSink(out)
        try:
            with age.encrypt_stream(counting, recipients) as enc:  # type: ignore[arg-type]
                _write_inner(TarWriter(enc), key, manifest, manifest_bytes, manifest_sha, selection, blobs, progress,
                             total)
            digest = counting.digest()
        finally:
            counting.close()
        payload_size = counting.count
        out.write(padding(payload_size))
        end = out.tell()
        out.seek(header_at)
        out.write(member_header("payload.age", payload_size))
        out.seek(end)
        outer.names.append("payload.age")
        comment = bf.OuterComment(manifest.bundle_id, manifest.device, manifest.seq, manifest_sha, manifest.log_size,
                                  manifest.log_root, manifest.created_at)
        outer.add_bytes("payload.age.minisig", minisign.sign_digest(
            key, digest, comment.text(), bf.PAYLOAD_SIG_COMMENT).encode("ascii"))
        cp = cp_mod.Checkpoint(cp_mod.device_origin(key.public_key), manifest.log_size, manifest.log_root)
        cp_text, cp_sig = cp_mod.sign_checkpoint(key, cp)
        outer.add_bytes("checkpoint", cp_text.encode("ascii"))
        outer.add_bytes("checkpoint.minisig", cp_sig.encode("ascii"))
        outer.add_bytes("leaves", cp_mod.leaves_bytes(leaves))
        outer.close()
        out.flush()
        os.fsync(out.fileno())
        size = out.tell()
    if progress:
        progress(total, total)
    return size


def _write_inner(inner: TarWriter, key: Any, manifest: bf.Manifest, manifest_bytes: bytes, manifest_sha: str,
                 selection: _Selection, blobs: BlobStore, progress: Progress | None, total: int) -> None:
    """The plaintext archive, streamed into the age writer: manifest and its signature first, then the files in the
    manifest's order, each checked against what the manifest says."""
    inner.add_bytes(bf.MANIFEST, manifest_bytes)
    inner.add_bytes(bf.MANIFEST_SIG, minisign.sign(
        key, manifest_bytes, bf.manifest_comment(manifest.bundle_id, manifest.seq, manifest_sha),
        bf.MANIFEST_SIG_COMMENT).encode("ascii"))
    planned = iter(manifest.files)
    buffer = bytearray(_COPY)
    try:
        _write_files(inner, selection, blobs, planned, memoryview(buffer), progress, total)
    finally:
        buffer[:] = bytes(_COPY)  # best effort: it held attachment plaintext


def _write_files(inner: TarWriter, selection: _Selection, blobs: BlobStore, planned: Iterator[bf.FileEntry],
                 copy: memoryview, progress: Progress | None, total: int) -> None:
    done = 0
    for row in selection.revisions():
        name, data = revision_file(row)
        _check_planned(next(planned), name, data)
        inner.add_bytes(name, data)
        done += len(data)
    links = bf.canonical(selection.links())
    _check_planned(next(planned), bf.ATTACHMENT_LINKS, links)
    inner.add_bytes(bf.ATTACHMENT_LINKS, links)
    for sha, blob_id, blob_key, size in selection.attachments():
        entry = next(planned)
        if entry.path != f"attachments/{sha}":
            raise RefusedError("the vault changed while exporting; try again")
        inner.begin(entry.path, size)
        # No second hash here: every chunk of the blob is authenticated by its AEAD tag under the blob's own key, and
        # HQ recomputes the SHA-256 while storing it.
        with blobs.open(blob_id, blob_key) as reader:
            if reader.size != size:
                raise RefusedError(f"attachment {sha[:12]} has changed size; the vault needs checking")
            while n := reader.readinto(copy):  # decrypted straight into one reused buffer, encrypted from it
                inner.write(copy[:n])
                done += n
                if progress:
                    progress(done, total)
    entry = next(planned)
    inner.begin(bf.AUDIT_ENTRIES, entry.size)
    for line in selection.audit_lines():
        inner.write(line)
    inner.close()


def _check_planned(entry: bf.FileEntry, name: str, data: bytes) -> None:
    if entry.path != name or entry.sha256 != hashlib.sha256(data).hexdigest():
        raise RefusedError("the vault changed while exporting; try again")


def finish_interrupted_exports(vault: Vault, directory: Path) -> list[Path]:
    """Deal with hidden partial files in ``directory``: a complete bundle whose export was committed but not renamed
    (a crash in between) is verified and given its name; anything else (an export killed before its commit) is
    removed. A partial file is promoted only if it verifies and carries the manifest the vault recorded."""
    from intake_app.bundles.verify import BundleRefused, pinned, verify_outer  # noqa: PLC0415 - avoids an import cycle

    key = vault.signing_key().public_key
    recorded = {str(name): str(sha) for name, sha in vault.conn.execute("SELECT file_name, manifest_sha256 FROM exports")}
    done = []
    for tmp in sorted(directory.glob(".intake-*.bundle.tar.partial-*")):
        name = tmp.name[1:].split(".partial-")[0]
        final = directory / name
        promote = False
        if name in recorded and not final.exists():
            try:
                promote = verify_outer(tmp, pinned(key)).comment.manifest_sha256 == recorded[name]
            except (BundleRefused, UsageError):
                promote = False
        if promote:
            tmp.replace(final)
            done.append(final)
        else:
            with contextlib.suppress(OSError):
                tmp.unlink()
    if done:
        fsync_dir(directory)
    return done

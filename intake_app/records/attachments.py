"""Attachments of a testimony: scans, audio, documents, stored encrypted in ``<vault>/blobs``.

An attachment is identified by the SHA-256 of its content (the same scan attached twice is stored once); the blob file
on disk has a random name and its own key, kept in vault.db. Every add, view, extraction and removal is a custody event
and an audit entry, so the chain of custody of a piece of evidence can be shown later. Removal is a tombstone on the
link (``removed_at``/``removed_by``): the file no longer belongs to the testimony, but nothing is destroyed. A removal
(and adding a removed file again) marks the link not yet exported, so it travels to HQ in the next bundle and keeps the
testimony from the purge until HQ acknowledged it (docs/bundle-format.md §3 item 4). :func:`put_link` is the one place
that writes a link and its custody event, for attachments, recordings and imported bundles alike.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from crypto.blob_cipher import BlobReader
from intake_app.display import clean_text
from intake_app.errors import UsageError
from intake_app.vault.audit import AuditLog
from intake_app.vault.blobstore import BlobStore
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import BLOBS_DIR, Vault, utc_now

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 255


@dataclass(frozen=True)
class AttachmentInfo:
    sha256: str
    size: int
    media_type: str
    original_name: str
    added_at: str
    captured_at: str | None
    device: str


@dataclass(frozen=True)
class Link:
    """One device's link of a file to a testimony, as written locally or received in a bundle."""

    record_id: str
    sha256: str
    original_name: str
    captured_at: str | None
    added_at: str
    device: str
    media_type: str | None = None
    removed_at: str | None = None


def put_link(conn: Connection, link: Link, *, custody: tuple[str, str, dict[str, Any]] | None,
             bundle_seq: int | None = None) -> None:
    """Insert or update a link and write its custody event: the one place every path (attach, recording, import)
    writes ``attachment_links`` and ``custody_events``; call inside the caller's transaction.

    Local (``bundle_seq`` None): a new link, or a removed one added again, is live and not yet exported (a revival
    travels in the next bundle, like the removal did); a live link added again is left as it was.
    Imported (``bundle_seq`` the bundle's number): each device's link is its own row; of two entries of the same
    device the smallest (``added_at``, name, media type, ``captured_at``) names it, whatever the arrival order, and the
    removal state is that of the entry from the highest bundle number (``state_seq``).
    ``custody`` is (action, at, detail) for the event to record, or None.
    """
    if bundle_seq is None:
        conn.execute(
            "INSERT INTO attachment_links (record_id, sha256, original_name, captured_at, added_at, device, media_type)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, sha256, device) DO UPDATE SET removed_at = NULL,"
            " removed_by = NULL, exported_in = NULL WHERE attachment_links.removed_at IS NOT NULL",
            (link.record_id, link.sha256, link.original_name, link.captured_at, link.added_at, link.device,
             link.media_type))
    else:
        conn.execute(
            "INSERT INTO attachment_links (record_id, sha256, original_name, captured_at, added_at, device,"
            " media_type) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, sha256, device) DO UPDATE SET"
            " original_name = excluded.original_name, captured_at = excluded.captured_at,"
            " added_at = excluded.added_at, media_type = excluded.media_type"
            " WHERE (excluded.added_at, excluded.original_name, excluded.media_type,"
            "        coalesce(excluded.captured_at, ''))"
            "     < (attachment_links.added_at, attachment_links.original_name, attachment_links.media_type,"
            "        coalesce(attachment_links.captured_at, ''))",
            (link.record_id, link.sha256, link.original_name, link.captured_at, link.added_at, link.device,
             link.media_type))
        conn.execute(
            "UPDATE attachment_links SET removed_at = ?, removed_by = ?, state_seq = ? WHERE record_id = ?"
            " AND sha256 = ? AND device = ? AND coalesce(state_seq, 0) < ?",
            (link.removed_at, link.device if link.removed_at else None, bundle_seq, link.record_id, link.sha256,
             link.device, bundle_seq))
    if custody is not None:
        action, at, detail = custody
        data = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        # Idempotent: the same event (a bundle's entry seen again in a later bundle) is recorded once.
        if conn.execute("SELECT 1 FROM custody_events WHERE sha256 = ? AND at = ? AND action = ? AND device = ?"
                        " AND detail IS ?", (link.sha256, at, action, link.device, data)).fetchone() is None:
            conn.execute("INSERT INTO custody_events (sha256, at, action, device, detail) VALUES (?, ?, ?, ?, ?)",
                         (link.sha256, at, action, link.device, data))


def clean_file_name(name: str) -> str:
    """The base name only, without control or bidi characters, at most 255 characters."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = clean_text(base).strip() or "attachment"
    return cleaned[:MAX_NAME]


def guess_media_type(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def require_live_record(conn: Connection, record_id: str) -> None:
    """Refuse to attach anything (a file, a recording) to a testimony that does not exist or was deleted."""
    row = conn.execute("SELECT deleted FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise UsageError(f"no testimony with id {record_id}")
    if row[0]:
        raise UsageError(f"testimony {record_id} was deleted")


class AttachmentStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.device = vault.signing_key().public_key.key_id_hex
        self.audit = AuditLog(self.conn, self.device)
        self.blobs = BlobStore(vault.path / BLOBS_DIR)

    def attach_file(self, record_id: str, path: Path, *, progress: Callable[[int], None] | None = None,
                    cancel: Callable[[], bool] | None = None) -> AttachmentInfo:
        """Stream ``path`` into encrypted storage and link it to the record."""
        require_live_record(self.conn, record_id)
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        try:
            src = path.open("rb")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        with src:
            return self.attach_stream(record_id, src, path.name, progress=progress, cancel=cancel)

    def attach_stream(self, record_id: str, src: BinaryIO, original_name: str, *, captured_at: str | None = None,
                      progress: Callable[[int], None] | None = None,
                      cancel: Callable[[], bool] | None = None) -> AttachmentInfo:
        require_live_record(self.conn, record_id)
        name = clean_file_name(original_name)
        media_type = guess_media_type(name)
        stored = self.blobs.put(src, progress=progress, cancel=cancel)
        now = utc_now()
        duplicate = False
        try:
            with Transaction(self.conn):
                exists = self.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (stored.sha256,)).fetchone()
                duplicate = exists is not None
                if not duplicate:
                    self.conn.execute(
                        "INSERT INTO attachments (sha256, blob_id, blob_key, size, media_type, added_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (stored.sha256, stored.blob_id, stored.key, stored.size, media_type, now),
                    )
                # Attached again after a removal: the link is live again (the custody events keep both steps).
                put_link(self.conn, Link(record_id, stored.sha256, name, captured_at, now, self.device),
                         custody=("collected", now, {"record": record_id}))
                self.audit.append("attach", now, record_id, {"sha256": stored.sha256, "size": stored.size})
        except BaseException:
            self.blobs.delete(stored.blob_id)
            raise
        if duplicate:
            self.blobs.delete(stored.blob_id)
        return AttachmentInfo(stored.sha256, stored.size, media_type, name, now, captured_at, self.device)

    def list_for(self, record_id: str, *, include_removed: bool = False) -> list[AttachmentInfo]:
        """The record's attachments in the order added; removed ones only with ``include_removed``."""
        if self.conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is None:
            raise UsageError(f"no testimony with id {record_id}")
        rows = self.conn.execute(
            # One line per file: the link of the device that first recorded the testimony, else the lowest
            # device id (each device's link is kept as it wrote it; none overwrites another's).
            "SELECT a.sha256, a.size, coalesce(l.media_type, a.media_type), l.original_name, l.added_at,"
            " l.captured_at, l.device FROM attachment_links l JOIN attachments a USING (sha256)"
            " WHERE l.record_id = ?1 AND l.device = (SELECT o.device FROM attachment_links o"
            "   WHERE o.record_id = l.record_id AND o.sha256 = l.sha256"
            "   ORDER BY o.device IS NOT (SELECT json_extract(summary, '$.first_device') FROM records"
            "                             WHERE id = ?1), o.device LIMIT 1)"
            " AND (?2 OR l.removed_at IS NULL) ORDER BY l.added_at, a.sha256",
            (record_id, include_removed),
        )
        return [AttachmentInfo(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], str(r[6])) for r in rows]

    def remove(self, record_id: str, sha256: str) -> None:
        """Remove an attachment from a testimony as a tombstone, with a 'removed' custody event and an audit entry.

        The blob and its custody history stay (nothing is destroyed); refused if the file is not attached to the
        record or was removed already.
        """
        require_live_record(self.conn, record_id)
        if not _SHA_RE.match(sha256):
            raise UsageError("an attachment is named by its SHA-256: 64 lower-case hex digits")
        row = self.conn.execute("SELECT removed_at FROM attachment_links WHERE record_id = ? AND sha256 = ?",
                                (record_id, sha256)).fetchone()
        if row is None:
            raise UsageError(f"attachment {sha256} is not attached to testimony {record_id}")
        if row[0] is not None:
            raise UsageError(f"attachment {sha256} was removed from testimony {record_id} already")
        now = utc_now()
        with Transaction(self.conn):
            # exported_in goes back to NULL: the removal travels in the next bundle, and until HQ acknowledges that
            # bundle the testimony is not purged (records/purge.py).
            self.conn.execute("UPDATE attachment_links SET removed_at = ?, removed_by = ?, exported_in = NULL"
                              " WHERE record_id = ? AND sha256 = ?", (now, self.device, record_id, sha256))
            self.conn.execute(
                "INSERT INTO custody_events (sha256, at, action, device, detail) VALUES (?, ?, 'removed', ?, ?)",
                (sha256, now, self.device, json.dumps({"record": record_id})))
            self.audit.append("remove_attachment", now, record_id, {"sha256": sha256})

    def _blob(self, sha256: str) -> tuple[str, bytes, int]:
        if not _SHA_RE.match(sha256):
            raise UsageError("an attachment is named by its SHA-256: 64 lower-case hex digits")
        row = self.conn.execute("SELECT blob_id, blob_key, size FROM attachments WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise UsageError(f"no attachment {sha256}")
        return str(row[0]), bytes(row[1]), int(row[2])

    def _custody(self, sha256: str, action: str, audit_action: str) -> None:
        now = utc_now()
        with Transaction(self.conn):
            self.conn.execute("INSERT INTO custody_events (sha256, at, action, device) VALUES (?, ?, ?, ?)",
                              (sha256, now, action, self.device))
            self.audit.append(audit_action, now, sha256)

    def open(self, sha256: str) -> BlobReader:
        """A seekable decrypting reader, for viewing inside the app; the view is recorded in the audit log."""
        blob_id, key, _ = self._blob(sha256)
        reader = self.blobs.open(blob_id, key)
        self._custody(sha256, "viewed", "view_attachment")
        return reader

    def extract(self, sha256: str, dst: Path, *, overwrite: bool = False) -> None:
        """Write a plaintext copy to ``dst`` (the user's explicit choice), verified against the recorded hash."""
        blob_id, key, _ = self._blob(sha256)
        self.blobs.extract(blob_id, key, dst, overwrite=overwrite)
        self._custody(sha256, "extracted", "extract_attachment")

    def verify(self, sha256: str) -> None:
        blob_id, key, _ = self._blob(sha256)
        self.blobs.verify(blob_id, key, sha256)

    def custody(self, sha256: str) -> list[tuple[str, str, str]]:
        self._blob(sha256)
        return [(str(a), str(b), str(c)) for a, b, c in self.conn.execute(
            "SELECT at, action, device FROM custody_events WHERE sha256 = ? ORDER BY id", (sha256,))]

    def sweep_orphans(self) -> list[str]:
        known = [str(r[0]) for r in self.conn.execute("SELECT blob_id FROM attachments")]
        return self.blobs.sweep_orphans(known)

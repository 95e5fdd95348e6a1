"""Bundle format version 1: names, limits, the signed comments and the manifest (docs/bundle-format.md).

Outer archive (POSIX ustar, members in this order)::

    payload.age            age v1, binary, X25519 recipients only; plaintext is the inner archive
    payload.age.minisig    minisign ED signature by the device key; trusted comment: see outer_comment()
    checkpoint             the device audit log's checkpoint (crypto.checkpoint)
    checkpoint.minisig
    leaves                 the log's RFC 6962 leaf hashes, 32 bytes each

Inner archive (inside payload.age)::

    manifest.json          canonical JSON, see build_manifest()
    manifest.json.minisig  minisign ED signature by the same key; trusted comment names bundle, sequence, recipients
    revisions/<id>.json    one per revision: {"revision": <envelope + id>, "content": <testimony or null>}
    attachments.json       attachment links: record, sha256, name, type, size, times
    attachments/<sha256>   attachment plaintext
    audit.jsonl            the audit entries not sent before, one canonical JSON object per line
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from crypto.canonical import canonical as canonical  # noqa: PLC0414 - the one definition, re-exported
from crypto.errors import MalformedError

FORMAT = "testimony-intake/bundle"
VERSION = 1
OUTER_MEMBERS = ("payload.age", "payload.age.minisig", "checkpoint", "checkpoint.minisig", "leaves")
MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.json.minisig"
ATTACHMENT_LINKS = "attachments.json"
AUDIT_ENTRIES = "audit.jsonl"

PAYLOAD_SIG_COMMENT = "testimony-intake bundle payload"
CHECKPOINT_SIG_COMMENT = "testimony-intake log checkpoint"
MANIFEST_SIG_COMMENT = "testimony-intake bundle manifest"
MAX_SIGNATURE = 4096
MAX_CHECKPOINT = 16 * 1024
# A device's audit log holds at most MAX_LOG_LEAVES entries; its leaves travel in every bundle (32 MB at the limit).
MAX_LOG_LEAVES = 1_000_000
MAX_LEAVES = 32 * MAX_LOG_LEAVES
MAX_INNER_MEMBERS = 1_000_000
MAX_FILE_ENTRIES = MAX_INNER_MEMBERS - 2  # every member but manifest.json and manifest.json.minisig
MAX_MANIFEST = 64 << 20
MAX_REVISION_FILE = 20 << 20
MAX_LINKS_FILE = 64 << 20
MAX_AUDIT_FILE = 256 << 20
MAX_ATTACHMENT = (8 << 30) - 1

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_OUTER_RE = re.compile(
    rf"^testimony-intake bundle v1 id=(?P<id>{_UUID}) device=(?P<device>[0-9A-F]{{16}}) seq=(?P<seq>[1-9][0-9]{{0,17}})"
    r" manifest=(?P<manifest>[0-9a-f]{64}) log=(?P<size>0|[1-9][0-9]{0,18}):(?P<root>[A-Za-z0-9+/]{43}=)"
    r" created=(?P<created>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)$"
)
REVISION_RE = re.compile(r"^revisions/([0-9a-f]{64})\.json$")
ATTACHMENT_RE = re.compile(r"^attachments/([0-9a-f]{64})$")


# Every time a bundle carries is RFC 3339 in UTC as the exporter writes it (utc_now): bounded, no offsets, no spaces.
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z")
MAX_TIMESTAMP = 30


def is_timestamp(value: object) -> bool:
    """An RFC 3339 UTC time of at most MAX_TIMESTAMP characters that names a real instant."""
    if not isinstance(value, str) or len(value) > MAX_TIMESTAMP or not _TIMESTAMP.fullmatch(value):
        return False
    try:
        dt.datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


def is_export_time(value: object) -> bool:
    """The bundle's own time (outer ``created``, manifest ``created_at``): exactly as utc_now writes it, 6 digits."""
    return is_timestamp(value) and isinstance(value, str) and len(value) == 27 and value[19] == "."


def is_strict_signature(data: bytes, comment: str) -> bool:
    """A .minisig file exactly as the writer makes it: the fixed first line, then the three other lines of minisign's
    ED format, each ending in one LF (no CR, a final LF, nothing after it). Line 2 is base64 of 74 bytes (100
    characters), line 4 of 64 bytes (88); the trusted comment is one line of at most 1024 bytes."""
    pattern = (b"untrusted comment: " + re.escape(comment.encode("ascii"))
               + rb"\n[A-Za-z0-9+/]{99}=\ntrusted comment: [^\r\n]{0,1024}\n[A-Za-z0-9+/]{86}==\n")
    return re.fullmatch(pattern, data) is not None



@dataclass(frozen=True)
class OuterComment:
    bundle_id: str
    device: str
    seq: int
    manifest_sha256: str
    log_size: int
    log_root: bytes
    created_at: str

    def text(self) -> str:
        return (f"testimony-intake bundle v1 id={self.bundle_id} device={self.device} seq={self.seq}"
                f" manifest={self.manifest_sha256} log={self.log_size}:{base64.b64encode(self.log_root).decode()}"
                f" created={self.created_at}")

    @classmethod
    def parse(cls, text: str) -> OuterComment:
        m = _OUTER_RE.match(text)
        if m is None:
            raise MalformedError("the bundle signature's trusted comment is not a Testimony Intake bundle comment")
        try:
            root = base64.b64decode(m["root"], validate=True)
        except binascii.Error:
            raise MalformedError("the bundle signature's trusted comment has a bad log root") from None
        if not is_timestamp(m["created"]):  # the pattern above admits exactly 6 fraction digits
            raise MalformedError("the bundle signature's trusted comment has a time that is not RFC 3339 UTC")
        return cls(m["id"], m["device"], int(m["seq"]), m["manifest"], int(m["size"]), root, m["created"])


def manifest_comment(bundle_id: str, seq: int, manifest_sha256: str) -> str:
    return f"testimony-intake manifest v1 id={bundle_id} seq={seq} sha256={manifest_sha256}"


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    bundle_id: str
    device: str
    seq: int
    previous_manifest_sha256: str | None
    created_at: str
    recipients: tuple[str, ...]
    log_size: int
    log_root: bytes
    files: tuple[FileEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "bundle_id": self.bundle_id,
            "device": self.device,
            "sequence": self.seq,
            "previous_manifest_sha256": self.previous_manifest_sha256,
            "created_at": self.created_at,
            "recipients": list(self.recipients),
            "checkpoint": {"size": self.log_size, "root": base64.b64encode(self.log_root).decode()},
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
        }

    def to_bytes(self) -> bytes:
        return canonical(self.to_json())


def _expect(obj: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or set(obj) != keys:
        raise MalformedError(f"manifest: {what} does not have the expected keys")
    return obj


def _int(value: Any, what: str, low: int = 0, high: int = 2**63 - 1) -> int:
    if type(value) is not int or not low <= value <= high:
        raise MalformedError(f"manifest: {what} is not a valid number")
    return value


def _hex64(value: Any, what: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise MalformedError(f"manifest: {what} is not a sha256")
    return value


def _file_rank(path: str) -> int:
    """Position class of an inner file: revisions, then attachments.json, then attachments, then audit.jsonl."""
    if REVISION_RE.match(path):
        return 0
    if path == ATTACHMENT_LINKS:
        return 1
    return 2 if ATTACHMENT_RE.match(path) else 3


def _parse_files(files: Any) -> list[FileEntry]:
    """The file list: known paths, each once, in the order revisions, attachments.json, attachments, audit.jsonl."""
    if not isinstance(files, list) or len(files) > MAX_FILE_ENTRIES:
        raise MalformedError("manifest: bad file list")
    entries = []
    seen = set()
    last_rank = 0
    for f in files:
        f = _expect(f, {"path", "size", "sha256"}, "a file entry")  # noqa: PLW2901
        path = f["path"]
        if not isinstance(path, str) or path in seen or not (
            REVISION_RE.match(path) or ATTACHMENT_RE.match(path) or path in (ATTACHMENT_LINKS, AUDIT_ENTRIES)
        ):
            raise MalformedError("manifest: a file entry has a bad or repeated path")
        rank = _file_rank(path)
        if rank < last_rank:
            raise MalformedError("manifest: files out of order (revisions, attachments.json, attachments, audit.jsonl)")
        last_rank = rank
        seen.add(path)
        limit = (MAX_REVISION_FILE if rank == 0 else MAX_LINKS_FILE if rank == 1 else MAX_ATTACHMENT if rank == 2
                 else MAX_AUDIT_FILE)
        entries.append(FileEntry(path, _int(f["size"], f"the size of {path}", 0, limit),
                                 _hex64(f["sha256"], "file hash")))
    if ATTACHMENT_LINKS not in seen or AUDIT_ENTRIES not in seen:
        raise MalformedError("manifest: attachments.json and audit.jsonl are required")
    return entries


def parse_manifest(data: bytes) -> Manifest:
    """Parse and check a manifest; it must be in canonical form (so its hash is well defined)."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MalformedError("manifest: not valid JSON") from None
    doc = _expect(obj, {"format", "version", "bundle_id", "device", "sequence", "previous_manifest_sha256",
                        "created_at", "recipients", "checkpoint", "files"}, "the manifest")
    if doc["format"] != FORMAT or doc["version"] != VERSION:
        raise MalformedError("manifest: not a version 1 Testimony Intake bundle")
    if canonical(doc) != data:
        raise MalformedError("manifest: not in canonical form")
    for key, pattern in (("bundle_id", _UUID), ("device", "[0-9A-F]{16}")):
        if not isinstance(doc[key], str) or not re.fullmatch(pattern, doc[key]):
            raise MalformedError(f"manifest: bad {key}")
    if not is_export_time(doc["created_at"]):
        raise MalformedError("manifest: bad created_at (YYYY-MM-DDThh:mm:ss.ffffffZ, six fraction digits)")
    prev = doc["previous_manifest_sha256"]
    if prev is not None:
        _hex64(prev, "previous_manifest_sha256")
    recipients = doc["recipients"]
    if (not isinstance(recipients, list) or not 1 <= len(recipients) <= 16
            or not all(isinstance(r, str) and r.startswith("age1") and len(r) < 100 for r in recipients)):
        raise MalformedError("manifest: bad recipient list")
    cp = _expect(doc["checkpoint"], {"size", "root"}, "checkpoint")
    try:
        root = base64.b64decode(str(cp["root"]), validate=True)
    except ValueError:  # binascii.Error, or text that is not ASCII
        raise MalformedError("manifest: bad checkpoint root") from None
    if len(root) != 32:
        raise MalformedError("manifest: bad checkpoint root")
    entries = _parse_files(doc["files"])
    seq = _int(doc["sequence"], "sequence", 1)
    if (seq == 1) != (prev is None):
        raise MalformedError("manifest: previous_manifest_sha256 must be null for bundle 1 and only for bundle 1")
    return Manifest(doc["bundle_id"], doc["device"], seq, prev, doc["created_at"],
                    tuple(recipients), _int(cp["size"], "checkpoint size"), root, tuple(entries))


def bundle_file_name(device: str, seq: int) -> str:
    return f"intake-{device}-{seq:06d}.bundle.tar"

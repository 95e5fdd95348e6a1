"""The listing of an archive export: every mention it released (with its anonymity level) and every mention it
excluded (with the reason code), kept in the vault beside the export's audit entry instead of inside it.

An export of the whole archive (a streamed format: Uwazi, statistics) names every mention of the archive. Listing them
in the audit entry made the entry tens of MB at 100,000 testimonies, held whole in memory to be serialised, hashed and
bound. Instead the entry's detail has ``listing``: ``{"released": R, "excluded": X, "size": S, "sha256": H}``, and the
listing's bytes are stored in ``export_listings`` (schema m0018) in chunks of at most :data:`CHUNK` bytes, written
while they are made, so memory does not grow with the listing. The listing (docs/exports.md, "The listing of an
archive export", says it byte for byte) is one line per mention, UTF-8, each line the canonical JSON array
``["released", MENTION, LEVEL]`` or ``["excluded", MENTION, REASON]`` followed by one line feed (0x0A): first the
released mentions in mention order, then the excluded ones in mention order. ``S`` is its length in bytes and ``H``
the SHA-256 of those bytes (lowercase hex); the entry is in the Merkle-hashed audit log, so the listing cannot change
unseen: :func:`check` recomputes both (``intake audit verify`` and ``intake export log`` call it).

Entries written before this change list ``mentions``, ``excluded`` and ``anonymity_by_mention`` themselves; they are
read as they are. :func:`expand` gives a listed entry those same three keys back, so ``intake export log`` prints the
same JSON for both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

from intake_app.errors import RefusedError
from intake_app.vault.database import Connection

CHUNK = 1 << 16
"""Bytes of the listing per ``export_listings`` row (the last row may hold fewer)."""

_STRING = json.JSONEncoder(ensure_ascii=False).encode  # a str's canonical JSON (crypto.canonical's rules)


class ListingError(RefusedError):
    """A stored listing that does not match its audit entry, or cannot be parsed (exit 1: failed verification)."""


def line(kind: str, mention: str, value: str) -> bytes:
    """One line of the listing: the canonical JSON array ``[kind, mention, value]`` and a line feed."""
    return f"[{_STRING(kind)},{_STRING(mention)},{_STRING(value)}]\n".encode()


def write(conn: Connection, export_id: str, released: Iterator[tuple[str, str]],
          excluded: Iterator[tuple[str, str]]) -> dict[str, Any]:
    """Store the listing of ``export_id`` (``released``: (mention, level) in mention order; ``excluded``: (mention,
    reason) in mention order) in the caller's transaction; returns the entry's ``listing`` value."""
    digest = hashlib.sha256()
    counts = {"released": 0, "excluded": 0}
    buffer = bytearray()
    size = chunk = 0

    def flush() -> None:
        nonlocal chunk, size
        data = bytes(buffer[:CHUNK])
        del buffer[:CHUNK]
        conn.execute("INSERT INTO export_listings (export, chunk, data) VALUES (?, ?, ?)", (export_id, chunk, data))
        digest.update(data)
        size += len(data)
        chunk += 1

    for kind, rows in (("released", released), ("excluded", excluded)):
        for mention, value in rows:
            buffer += line(kind, mention, value)
            counts[kind] += 1
            if len(buffer) >= CHUNK:
                flush()
    while buffer:
        flush()
    return {**counts, "size": size, "sha256": digest.hexdigest()}


def chunks(conn: Connection, export_id: str) -> Iterator[bytes]:
    """The stored listing of ``export_id``, chunk by chunk in order."""
    for (data,) in conn.execute("SELECT data FROM export_listings WHERE export = ? ORDER BY chunk", (export_id,)):
        yield bytes(data)


def check(conn: Connection, export_id: str, listing: Any) -> str | None:
    """None when the stored listing of ``export_id`` has the size and SHA-256 the entry's ``listing`` records (and
    its chunks are numbered 0, 1, 2 … without a gap); else what is wrong (no content: ids are not even named)."""
    if not isinstance(listing, dict) or not isinstance(listing.get("sha256"), str) or not isinstance(
            listing.get("size"), int):
        return "its listing record is malformed"
    digest = hashlib.sha256()
    size = 0
    rows = conn.execute("SELECT chunk, data FROM export_listings WHERE export = ? ORDER BY chunk", (export_id,))
    for expected, (number, data) in enumerate(rows):
        if int(number) != expected:
            return f"its listing lacks chunk {expected}"
        digest.update(bytes(data))
        size += len(bytes(data))
    if size != listing["size"] or not hmac.compare_digest(digest.hexdigest(), listing["sha256"].lower()):
        return "its listing does not match the size and SHA-256 the entry records"
    return None


def expand(conn: Connection, export_id: str, listing: Any) -> dict[str, Any]:
    """``mentions``, ``excluded`` and ``anonymity_by_mention`` as an entry written before listings had them, read
    from the stored listing after :func:`check`; raises :class:`ListingError` when it does not match or parse."""
    problem = check(conn, export_id, listing)
    if problem is not None:
        raise ListingError(f"export {export_id}: {problem}")
    mentions: list[str] = []
    excluded: list[dict[str, str]] = []
    levels: dict[str, str] = {}
    rest = b""
    for data in chunks(conn, export_id):
        lines = (rest + data).split(b"\n")
        rest = lines.pop()
        for raw in lines:
            try:
                fields = json.loads(raw)
            except ValueError:
                fields = None
            if not (isinstance(fields, list) and len(fields) == 3 and all(isinstance(f, str) for f in fields)):
                raise ListingError(f"export {export_id}: a line of its listing is not a JSON array of 3 strings")
            kind, mention, value = fields
            if kind == "released":
                mentions.append(mention)
                levels[mention] = value
            elif kind == "excluded":
                excluded.append({"mention": mention, "reason": value})
            else:
                raise ListingError(f"export {export_id}: its listing has a line of unknown kind")
    if rest or len(mentions) != listing.get("released") or len(excluded) != listing.get("excluded"):
        raise ListingError(f"export {export_id}: its listing does not hold the counts the entry records")
    return {"mentions": mentions, "excluded": excluded, "anonymity_by_mention": levels}

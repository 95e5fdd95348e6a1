"""The framing of an age v1 file (C2SP age.md): the text header with its stanzas and MAC, and the ASCII armor.

Everything here reads hostile bytes. Reads are bounded: the header is parsed line by line from a small buffer and
may not exceed :data:`MAX_HEADER_SIZE` bytes or :data:`MAX_STANZAS` stanzas; armored input is decoded one 64-column
line at a time. Parsing is as strict as the spec: canonical unpadded base64, 64-column body lines ending in exactly one
short line, arguments of printable ASCII, LF line endings only.
"""

from __future__ import annotations

import base64
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.errors import AuthenticationError, MalformedError

VERSION_LINE = b"age-encryption.org/v1\n"
_INTRO_PREFIX = b"age-encryption.org/"
_STANZA_PREFIX = b"-> "
_MAC_PREFIX = b"---"
COLUMNS = 64
BYTES_PER_LINE = COLUMNS // 4 * 3
MAC_LEN = 32

# A real header is a few hundred bytes per recipient (about 1.6 KB for a post-quantum one); these bounds leave room
# for dozens of recipients and grease while keeping a hostile header from costing memory or time.
MAX_HEADER_SIZE = 64 * 1024
MAX_STANZAS = 256

_READ_BLOCK = 4096
_ARG_RE = re.compile(rb"[\x21-\x7e]+")
_B64_RE = re.compile(rb"[A-Za-z0-9+/]*")

ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
_WHITESPACE = b" \t\r\n\v\f"
# Whitespace around an armored file is tolerated (the spec allows it); this much and no more.
_MAX_ARMOR_SURROUNDING_WHITESPACE = 64 * 1024


class AgeHeaderError(MalformedError):
    """The age header (or the payload nonce right after it) is malformed."""


class AgeArmorError(MalformedError):
    """The ASCII armor around an age file is malformed."""


class HeaderMacError(AuthenticationError):
    """A file key was unwrapped but the header MAC does not match: the header was altered."""


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class ByteSource:
    """A small read buffer over any readable object, giving bounded line reads and exact-size fills.

    All reads of one age file go through one ByteSource, so its read-ahead is never lost between header and payload.
    """

    def __init__(self, src: BinaryIO | _Readable) -> None:
        self._src = src
        self._readinto: Callable[[memoryview], int | None] | None = getattr(src, "readinto", None)
        # Sources that hold their data in blocks already (HQ's signed bundle payload) may lend a view instead of
        # copying: peek_view(n) -> the next n bytes or None, consume(n).
        self._peek: Callable[[int], memoryview | None] | None = getattr(src, "peek_view", None)
        self._consume: Callable[[int], None] | None = getattr(src, "consume", None)
        self._pending = bytearray()
        self._eof = False

    def _more(self) -> bool:
        if self._eof:
            return False
        block = self._src.read(_READ_BLOCK)
        if not block:
            self._eof = True
            return False
        self._pending += block
        return True

    def readline(self, limit: int, error: type[MalformedError], what: str, allow_eof: bool = False) -> bytes:
        """Return one line including its LF; raise ``error`` if none ends within ``limit`` bytes.

        At end of input the unterminated rest is returned if ``allow_eof``, else ``error`` is raised.
        """
        start = 0
        while True:
            end = self._pending.find(b"\n", start, limit)
            if end >= 0:
                line = bytes(self._pending[: end + 1])
                del self._pending[: end + 1]
                return line
            start = len(self._pending)
            if start >= limit:
                raise error(f"{what} is too long")
            if not self._more():
                if allow_eof:
                    line = bytes(self._pending)
                    self._pending.clear()
                    return line
                raise error(f"{what} is truncated")

    def skip_whitespace(self, limit: int, error: type[MalformedError], what: str) -> None:
        """Consume leading whitespace, at most ``limit`` bytes of it."""
        skipped = 0
        while True:
            kept = len(self._pending.lstrip(_WHITESPACE))
            skipped += len(self._pending) - kept
            del self._pending[: len(self._pending) - kept]
            if skipped > limit:
                raise error(f"{what}: too much surrounding whitespace")
            if self._pending or not self._more():
                return

    def peek_nonspace(self, limit: int) -> bytes:
        """Look at the first bytes after up to ``limit`` leading whitespace bytes, without consuming anything."""
        while True:
            stripped = bytes(self._pending).lstrip(_WHITESPACE)
            if stripped or len(self._pending) > limit or not self._more():
                return stripped[:16]

    def readinto(self, view: memoryview) -> int:
        """Read up to ``len(view)`` bytes into ``view``; return 0 only at end of input."""
        if self._pending:
            n = min(len(view), len(self._pending))
            view[:n] = self._pending[:n]
            del self._pending[:n]
            return n
        if self._eof:
            return 0
        if self._readinto is not None:
            got = self._readinto(view)
            n = got or 0
        else:
            data = self._src.read(len(view))
            n = len(data)
            view[:n] = data
        if n == 0:
            self._eof = True
        return n

    @property
    def lends_views(self) -> bool:
        """Whether the source can lend its bytes (:meth:`peek_view`, :meth:`consume`, :meth:`at_end`)."""
        return self._peek is not None and self._consume is not None

    def at_end(self) -> bool:
        """Whether the input has no byte left (for a source that lends views: nothing is consumed to learn it)."""
        if self._pending:
            return False
        if self._eof:
            return True
        if self._peek is None:
            raise ValueError("this source lends no views")
        view = self._peek(1)
        return view is None or len(view) == 0

    def peek_view(self, n: int) -> memoryview | None:
        """The next ``n`` bytes as a view (not consumed), where the source can lend them without a copy;
        None otherwise (read them with :meth:`fill`). The view is valid until the next read or :meth:`consume`."""
        peek = self._peek
        if self._pending or peek is None or self._consume is None:
            return None
        view = peek(n)
        return view if view is not None and len(view) == n else None

    def consume(self, n: int) -> None:
        """Skip ``n`` bytes just seen through :meth:`peek_view`."""
        if self._consume is None:
            raise ValueError("this source lends no views")
        self._consume(n)

    def fill(self, view: memoryview) -> int:
        """Read until ``view`` is full or the input ends; return the byte count."""
        total = 0
        size = len(view)
        while total < size:
            n = self.readinto(view[total:])
            if n == 0:
                break
            total += n
        return total


def b64encode_nopad(data: bytes) -> bytes:
    """Standard base64 without padding, as the age header writes it."""
    return base64.b64encode(data).rstrip(b"=")


def b64decode_canonical(text: bytes, error: type[MalformedError], what: str) -> bytes:
    """Decode unpadded standard base64, refusing padding, foreign characters and non-zero trailing bits."""
    if not _B64_RE.fullmatch(text) or len(text) % 4 == 1:
        raise error(f"{what} is not valid unpadded base64")
    data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    if b64encode_nopad(data) != text:
        raise error(f"{what} is not canonical base64")
    return data


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: its type, further arguments and decoded body."""

    type: str
    args: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class Header:
    """A parsed header: stanzas, the MAC as written, and the exact bytes the MAC covers."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    mac_input: bytes


def _parse_stanza_line(line: bytes) -> tuple[str, tuple[str, ...]]:
    fields = line[len(_STANZA_PREFIX) : -1].split(b" ")
    if any(not _ARG_RE.fullmatch(field) for field in fields):
        raise AgeHeaderError("age header: a stanza argument is empty or has characters outside printable ASCII")
    return fields[0].decode("ascii"), tuple(f.decode("ascii") for f in fields[1:])


def parse_header(source: ByteSource) -> Header:
    """Parse an age v1 header from ``source``, leaving the source at the first byte after the MAC line."""
    budget = MAX_HEADER_SIZE
    consumed = bytearray()

    def next_line(what: str) -> bytes:
        nonlocal budget
        line = source.readline(budget, AgeHeaderError, f"age header ({what})")
        budget -= len(line)
        return line

    first = next_line("version line")
    if first != VERSION_LINE:
        if first.startswith(_INTRO_PREFIX) and b"\r" not in first:
            raise AgeHeaderError("this age file uses a format version other than v1, which is not supported")
        raise AgeHeaderError("not an age v1 file (the first line is not the age v1 version line)")
    consumed += first
    stanzas: list[Stanza] = []
    while True:
        line = next_line("stanza line")
        if line.startswith(_MAC_PREFIX):
            if not line.startswith(b"--- ") or b" " in line[4:]:
                raise AgeHeaderError("age header: the MAC line is malformed")
            mac = b64decode_canonical(line[4:-1], AgeHeaderError, "age header MAC")
            if len(mac) != MAC_LEN:
                raise AgeHeaderError("age header: the MAC has the wrong length")
            consumed += _MAC_PREFIX
            return Header(tuple(stanzas), mac, bytes(consumed))
        if not line.startswith(_STANZA_PREFIX):
            raise AgeHeaderError("age header: expected a stanza or the MAC line")
        if len(stanzas) >= MAX_STANZAS:
            raise AgeHeaderError("age header has too many recipient stanzas")
        consumed += line
        stanza_type, args = _parse_stanza_line(line)
        body = bytearray()
        while True:
            body_line = next_line("stanza body")
            consumed += body_line
            text = body_line[:-1]
            if len(text) > COLUMNS:
                raise AgeHeaderError("age header: a stanza body line is longer than 64 columns")
            body += b64decode_canonical(text, AgeHeaderError, "age header stanza body")
            # A full line means more follows; the first short line (possibly empty) ends the body.
            if len(text) < COLUMNS:
                break
        stanzas.append(Stanza(stanza_type, args, bytes(body)))


def encode_stanza(stanza: Stanza) -> bytes:
    """Serialise one stanza: argument line, then the body wrapped at 64 columns ending in a short line."""
    out = bytearray(b" ".join([_STANZA_PREFIX.rstrip(), *(a.encode("ascii") for a in (stanza.type, *stanza.args))]))
    out += b"\n"
    body = b64encode_nopad(stanza.body)
    for i in range(0, len(body) + 1, COLUMNS):
        out += body[i : i + COLUMNS] + b"\n"
    return bytes(out)


def header_mac_key(file_key: bytes) -> bytes:
    """HKDF-SHA256(ikm = file key, salt = empty, info = "header")."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=b"header").derive(file_key)


def compute_mac(file_key: bytes, mac_input: bytes) -> bytes:
    """HMAC-SHA256 of the header up to and including "---", keyed from the file key."""
    mac = HMAC(header_mac_key(file_key), hashes.SHA256())
    mac.update(mac_input)
    return mac.finalize()


def verify_mac(file_key: bytes, header: Header) -> None:
    """Raise :class:`HeaderMacError` unless the header's MAC matches the one computed from ``file_key``."""
    if not hmac.compare_digest(compute_mac(file_key, header.mac_input), header.mac):
        raise HeaderMacError("the age header MAC does not match: the file header was altered")


def encode_header(stanzas: Sequence[Stanza], file_key: bytes) -> bytes:
    """Serialise a complete header with its MAC line."""
    mac_input = VERSION_LINE + b"".join(encode_stanza(s) for s in stanzas) + _MAC_PREFIX
    return mac_input + b" " + b64encode_nopad(compute_mac(file_key, mac_input)) + b"\n"


class ArmorReader:
    """Decodes age's ASCII armor (strict PEM, 64 columns, LF or CRLF) one line at a time.

    Whitespace is allowed only before the BEGIN line and after the END line; everything in between must be exact:
    canonical padded base64, 64 columns per line except the last, no blank lines, no PEM headers.
    """

    def __init__(self, source: ByteSource) -> None:
        self._source = source
        self._started = False
        self._done = False
        self._decoded = bytearray()

    def _line(self, what: str) -> tuple[bytes, bool]:
        """Return the next line without its LF or CRLF, and whether it had one (the END line may not)."""
        raw = self._source.readline(COLUMNS + 2, AgeArmorError, what, allow_eof=True)
        if not raw.endswith(b"\n"):
            return raw, False
        return raw[:-2] if raw.endswith(b"\r\n") else raw[:-1], True

    def _begin(self) -> None:
        self._source.skip_whitespace(_MAX_ARMOR_SURROUNDING_WHITESPACE, AgeArmorError, "armored age file")
        line, had_eol = self._line("armor BEGIN line")
        if line != ARMOR_BEGIN or not had_eol:
            raise AgeArmorError("armored age file: the first line is not '-----BEGIN AGE ENCRYPTED FILE-----'")
        self._started = True

    def _end(self, had_eol: bool) -> None:
        self._done = True
        if had_eol:
            self._source.skip_whitespace(_MAX_ARMOR_SURROUNDING_WHITESPACE, AgeArmorError, "armored age file")
        if self._source.peek_nonspace(0):
            raise AgeArmorError("armored age file: data after the END line")

    def _decode_line(self) -> None:
        line, had_eol = self._line("armored line")
        if line == ARMOR_END:
            self._end(had_eol)
            return
        if not had_eol:
            raise AgeArmorError("armored age file: no END line")
        if not line or len(line) % 4:
            raise AgeArmorError("armored age file: a line has the wrong length")
        try:
            data = base64.b64decode(line, validate=True)
        except ValueError:
            raise AgeArmorError("armored age file: invalid base64") from None
        if base64.b64encode(data) != line:
            raise AgeArmorError("armored age file: base64 is not canonical")
        self._decoded += data
        if len(data) < BYTES_PER_LINE:
            # The first short line is the last one: the END line must follow it.
            end, end_eol = self._line("armor END line")
            if end != ARMOR_END:
                raise AgeArmorError("armored age file: a short line must be the last before the END line")
            self._end(end_eol)

    def read(self, size: int = -1, /) -> bytes:
        """Return up to ``size`` decoded bytes (one line's worth if negative); empty once the armor has ended."""
        if not self._started:
            self._begin()
        want = max(size, 1)
        while len(self._decoded) < want and not self._done:
            self._decode_line()
        n = len(self._decoded) if size < 0 else min(size, len(self._decoded))
        out = bytes(self._decoded[:n])
        del self._decoded[:n]
        return out

"""age v1 file encryption (C2SP age.md) with X25519 recipients, streaming in constant memory.

Bundles are encrypted to HQ's X25519 recipients and must stay decryptable by stock ``age -d -i IDENTITY``; this module
writes exactly that format and reads it back strictly. Supported: X25519 recipients and identities, unknown ("grease")
stanzas, binary and ASCII-armored input. Deliberately unsupported, refused with :class:`UnsupportedError`: passphrase
(scrypt) files, post-quantum hybrid and plugin keys.

Typical use::

    with encrypt_stream(dst, [hq_primary, hq_backup]) as writer:
        writer.write(data)
    with open_decrypt(src, [hq_identity]) as reader:
        chunk = reader.read(65536)   # only authenticated plaintext is ever returned

Errors: :class:`AgeHeaderError` / :class:`AgeArmorError` (malformed, both MalformedError), :class:`NoIdentityMatchError`,
:class:`HeaderMacError` and :class:`AgePayloadError` (all AuthenticationError), UnsupportedError.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from typing import BinaryIO, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from crypto import bech32
from crypto.age_header import (
    AgeArmorError,
    AgeHeaderError,
    ArmorReader,
    ByteSource,
    Header,
    HeaderMacError,
    Stanza,
    b64decode_canonical,
    b64encode_nopad,
    encode_header,
    parse_header,
    verify_mac,
)
from crypto.age_stream import (
    CHUNK_SIZE,
    PAYLOAD_NONCE_SIZE,
    AgePayloadError,
    StreamDecryptor,
    StreamEncryptor,
    payload_key,
    write_all,
)
from crypto.errors import AuthenticationError, MalformedError, UnsupportedError
from crypto.sealing import SealOnExit

__all__ = [
    "AgeArmorError",
    "AgeHeaderError",
    "AgePayloadError",
    "AgeReader",
    "AgeWriter",
    "HeaderMacError",
    "NoIdentityMatchError",
    "X25519Identity",
    "X25519Recipient",
    "decrypt_bytes",
    "encrypt_bytes",
    "encrypt_stream",
    "generate_x25519_identity",
    "open_decrypt",
    "parse_identities",
    "parse_identity",
    "parse_recipient",
    "read_identity_file",
]

FILE_KEY_SIZE = 16
_KEY_SIZE = 32
_X25519_TYPE = "X25519"
_X25519_INFO = b"age-encryption.org/v1/X25519"
_RECIPIENT_HRP = "age"
_IDENTITY_HRP = "AGE-SECRET-KEY-"
_ZERO_NONCE = bytes(12)
_MAX_IDENTITY_FILE = 1024 * 1024
_ARMOR_SNIFF = b"-----"


class NoIdentityMatchError(AuthenticationError):
    """None of the given identities can open this file: it was not encrypted to them."""


class X25519Recipient:
    """An age X25519 recipient (public key), written ``age1...``."""

    __slots__ = ("_public",)

    def __init__(self, public: bytes) -> None:
        if len(public) != _KEY_SIZE:
            raise MalformedError("an X25519 recipient is a 32-byte public key")
        self._public = bytes(public)

    @property
    def public_bytes(self) -> bytes:
        """The raw 32-byte public key."""
        return self._public

    def encode(self) -> str:
        """The ``age1...`` string stock age accepts with ``-r``."""
        return bech32.encode(_RECIPIENT_HRP, self._public)

    def __str__(self) -> str:
        return self.encode()

    def __repr__(self) -> str:
        return f"X25519Recipient({self.encode()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and other._public == self._public

    def __hash__(self) -> int:
        return hash(self._public)


class X25519Identity:
    """An age X25519 identity (private key), written ``AGE-SECRET-KEY-1...``. Its repr never shows the secret."""

    __slots__ = ("_key", "_public")

    def __init__(self, secret: bytes) -> None:
        if len(secret) != _KEY_SIZE:
            raise MalformedError("an X25519 identity is a 32-byte secret key")
        self._key = X25519PrivateKey.from_private_bytes(secret)
        self._public = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def recipient(self) -> X25519Recipient:
        """The matching recipient (public key)."""
        return X25519Recipient(self._public)

    def encode(self) -> str:
        """The ``AGE-SECRET-KEY-1...`` string stock age reads from an identity file. Handle as a secret."""
        secret = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return bech32.encode(_IDENTITY_HRP, secret).upper()

    def identity_file(self) -> str:
        """An identity file in age-keygen's layout (comment with the public key, then the secret line)."""
        return f"# public key: {self.recipient.encode()}\n{self.encode()}\n"

    def __repr__(self) -> str:
        return f"X25519Identity(recipient={self.recipient.encode()!r})"

    def _unwrap(self, share: bytes, body: bytes) -> bytes | None:
        """Return the file key from one X25519 stanza, or None if the stanza is for another key."""
        try:
            shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
        except ValueError:
            # OpenSSL refuses a low-order point (all-zero result): the spec makes that a fatal header error.
            raise AgeHeaderError("age header: an X25519 stanza uses a low-order share") from None
        if shared == bytes(_KEY_SIZE):
            raise AgeHeaderError("age header: an X25519 stanza uses a low-order share")
        wrap_key = _x25519_wrap_key(shared, share, self._public)
        try:
            return ChaCha20Poly1305(wrap_key).decrypt(_ZERO_NONCE, body, None)
        except InvalidTag:
            return None


def _x25519_wrap_key(shared: bytes, share: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=share + recipient, info=_X25519_INFO).derive(shared)


def generate_x25519_identity() -> X25519Identity:
    """A fresh random X25519 identity."""
    return X25519Identity(os.urandom(_KEY_SIZE))


def parse_recipient(text: str) -> X25519Recipient:
    """Parse an ``age1...`` recipient (lower case, valid checksum, 32-byte key)."""
    text = text.strip()
    if text.startswith(("age1pq1", "age1tag1")) or (text.startswith("age1") and text[4:].startswith("plugin")):
        raise UnsupportedError("only X25519 age recipients (age1...) are supported, not post-quantum or plugin ones")
    hrp, data = bech32.decode(text)
    if hrp != _RECIPIENT_HRP:
        raise MalformedError("not an age X25519 recipient (expected 'age1...' in lower case)")
    if len(data) != _KEY_SIZE:
        raise MalformedError("an age X25519 recipient must encode exactly 32 bytes")
    return X25519Recipient(data)


def parse_identity(text: str) -> X25519Identity:
    """Parse an ``AGE-SECRET-KEY-1...`` identity (upper case, valid checksum, 32-byte key)."""
    text = text.strip()
    if text.startswith(("AGE-SECRET-KEY-PQ-", "AGE-PLUGIN-")):
        raise UnsupportedError("only X25519 age identities are supported, not post-quantum or plugin ones")
    hrp, data = bech32.decode(text)
    if hrp != _IDENTITY_HRP:
        raise MalformedError("not an age X25519 identity (expected 'AGE-SECRET-KEY-1...' in upper case)")
    if len(data) != _KEY_SIZE:
        raise MalformedError("an age X25519 identity must encode exactly 32 bytes")
    return X25519Identity(data)


def parse_identities(text: str) -> list[X25519Identity]:
    """Parse an identity file as age does: one identity per line; blank lines and ``#`` comments are skipped."""
    identities: list[X25519Identity] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(parse_identity(line))
        except (MalformedError, UnsupportedError) as exc:
            # Say which line without echoing it: it may be a secret key with a typo.
            raise type(exc)(f"identity file line {number}: {exc}") from None
    if not identities:
        raise MalformedError("the identity file contains no identities")
    return identities


def read_identity_file(path: str | os.PathLike[str]) -> list[X25519Identity]:
    """Read and parse an identity file (at most 1 MiB, UTF-8)."""
    with open(path, "rb") as f:
        data = f.read(_MAX_IDENTITY_FILE + 1)
    if len(data) > _MAX_IDENTITY_FILE:
        raise MalformedError("the identity file is too large")
    if data.startswith(b"age-encryption.org/") or data.lstrip().startswith(b"-----BEGIN"):
        raise UnsupportedError("passphrase-protected identity files are not supported")
    try:
        return parse_identities(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedError("the identity file is not UTF-8 text") from None


def _x25519_stanza(recipient: X25519Recipient, file_key: bytes) -> Stanza:
    ephemeral = X25519PrivateKey.generate()
    share = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.public_bytes))
    except ValueError:
        raise MalformedError("the recipient is not a usable X25519 public key (low-order point)") from None
    wrap_key = _x25519_wrap_key(shared, share, recipient.public_bytes)
    body = ChaCha20Poly1305(wrap_key).encrypt(_ZERO_NONCE, file_key, None)
    return Stanza(_X25519_TYPE, (b64encode_nopad(share).decode("ascii"),), body)


class AgeWriter(SealOnExit):
    """Encrypting writer returned by :func:`encrypt_stream`.

    ``close()`` seals the final chunk. Leaving a ``with`` block by an exception aborts instead: the final chunk is never
    written, so the partial output cannot pass for a complete (shorter) file. ``dst`` is flushed but not closed.
    """

    def __init__(self, dst: BinaryIO, recipients: Sequence[X25519Recipient]) -> None:
        if not recipients:
            raise MalformedError("at least one recipient is required")
        file_key = os.urandom(FILE_KEY_SIZE)
        stanzas = [_x25519_stanza(r, file_key) for r in recipients]
        nonce = os.urandom(PAYLOAD_NONCE_SIZE)
        self._dst = dst
        write_all(dst, memoryview(encode_header(stanzas, file_key) + nonce))
        self._stream: StreamEncryptor | None = StreamEncryptor(dst, payload_key(file_key, nonce))

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Encrypt ``data``; return its length."""
        if self._stream is None:
            raise ValueError("write to a closed AgeWriter")
        view = memoryview(data)
        if view.ndim != 1 or view.itemsize != 1:
            view = view.cast("B")
        self._stream.write(view)
        return len(view)

    def close(self) -> None:
        """Write the final chunk and flush ``dst``. Idempotent."""
        if self._stream is None:
            return
        stream, self._stream = self._stream, None
        stream.finish()
        stream.wipe()
        self._dst.flush()

    def abort(self) -> None:
        """Stop without writing the final chunk; what was written will not decrypt."""
        if self._stream is not None:
            self._stream.wipe()
        self._stream = None

    @property
    def closed(self) -> bool:
        """True after close() or abort()."""
        return self._stream is None


def encrypt_stream(dst: BinaryIO, recipients: Sequence[X25519Recipient]) -> AgeWriter:
    """Start a binary age file to ``recipients`` on ``dst``; write plaintext to the returned writer, then close it."""
    return AgeWriter(dst, recipients)


def encrypt_bytes(plaintext: bytes, recipients: Sequence[X25519Recipient]) -> bytes:
    """Encrypt a whole byte string to ``recipients`` as a binary age file."""
    out = io.BytesIO()
    with encrypt_stream(out, recipients) as writer:
        writer.write(plaintext)
    return out.getvalue()


def _x25519_share(stanza: Stanza) -> bytes:
    if len(stanza.args) != 1:
        raise AgeHeaderError("age header: an X25519 stanza must have exactly one argument")
    share = b64decode_canonical(stanza.args[0].encode("ascii"), AgeHeaderError, "age header X25519 share")
    if len(share) != _KEY_SIZE:
        raise AgeHeaderError("age header: an X25519 share must be 32 bytes")
    if len(stanza.body) != FILE_KEY_SIZE + 16:
        raise AgeHeaderError("age header: an X25519 stanza body must be 32 bytes")
    return share


def _unwrap_file_key(header: Header, identities: Sequence[X25519Identity]) -> bytes:
    types = [s.type for s in header.stanzas]
    if "scrypt" in types:
        if len(types) > 1:
            raise AgeHeaderError("age header: a passphrase (scrypt) stanza must be the only stanza")
        raise UnsupportedError("passphrase-encrypted age files are not supported; use an X25519 identity")
    # Check every X25519 stanza's shape before trying any, so a malformed one is an error wherever it sits.
    x25519 = [(_x25519_share(s), s.body) for s in header.stanzas if s.type == _X25519_TYPE]
    for share, body in x25519:
        for identity in identities:
            file_key = identity._unwrap(share, body)
            if file_key is not None:
                return file_key
    if not x25519 and any(t == "mlkem768x25519" for t in types):
        raise UnsupportedError("this age file is encrypted to post-quantum recipients, which are not supported")
    raise NoIdentityMatchError("none of the given identities can decrypt this age file")


_EMPTY = memoryview(b"")


class AgeReader(io.RawIOBase):
    """Decrypting reader returned by :func:`open_decrypt`.

    ``read``/``readinto`` return only plaintext whose chunk has been authenticated. Any failure (altered chunk,
    truncation, trailing data) raises :class:`AgePayloadError`, and every later read raises it again. Plaintext already
    returned before a failure was authentic but the file as a whole is not: callers must roll back what they built.
    """

    def __init__(self, stream: StreamDecryptor, header: Header | None = None) -> None:
        super().__init__()
        self._stream = stream
        #: The authenticated header, so a caller can check its stanzas against what it expects (bundle recipients).
        self.header = header
        self._chunk = _EMPTY
        self._error: AgePayloadError | None = None

    def readable(self) -> bool:
        """Always True."""
        return True

    def _next(self, into: memoryview | None = None) -> bool:
        if self._error is not None:
            raise self._error
        try:
            self._chunk = self._stream.next_chunk(into)
        except AgePayloadError as exc:
            self._error = exc.with_traceback(None)
            raise
        return len(self._chunk) > 0

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        """Fill ``buffer`` with authenticated plaintext; return the byte count (0 at the verified end)."""
        if self.closed:
            raise ValueError("read from a closed AgeReader")
        # Released on exit even if a stored exception's traceback keeps this frame alive.
        with memoryview(buffer) as raw, raw.cast("B") as out:
            return self._copy_into(out)

    def _copy_into(self, out: memoryview) -> int:
        total = 0
        size = len(out)
        while total < size:
            if not self._chunk:
                # Where a whole chunk fits, it is decrypted straight into the caller's buffer (no copy); it is then
                # consumed at once below, so self._chunk never points into the caller's memory after this call.
                into = out[total:] if size - total >= CHUNK_SIZE else None
                if total and self._error is None:
                    # Deliver the verified bytes already copied; a failure in the next chunk surfaces next call.
                    try:
                        more = self._next(into)
                    except AgePayloadError:
                        return total
                else:
                    more = self._next(into)
                if into is not None:
                    total += len(self._chunk)
                    self._chunk = _EMPTY  # hold no view of the caller's buffer
                    if not more:
                        break
                    continue
                if not more:
                    break
            n = min(size - total, len(self._chunk))
            out[total : total + n] = self._chunk[:n]
            self._chunk = self._chunk[n:]
            total += n
        return total

    def read(self, size: int | None = -1, /) -> bytes:
        """Return up to ``size`` bytes (all the rest if negative); fewer only at the verified end."""
        if size is None or size < 0:
            parts = bytearray()
            while self._chunk or self._next():
                parts += self._chunk
                self._chunk = self._chunk[:0]
            return bytes(parts)
        buf = bytearray(size)
        n = self.readinto(buf)
        del buf[n:]
        return bytes(buf)

    def readall(self) -> bytes:
        """Read to the verified end."""
        return self.read(-1)


def _make_source(src: BinaryIO, armor: bool | None) -> ByteSource:
    source = ByteSource(src)
    if armor is None:
        armor = source.peek_nonspace(64 * 1024).startswith(_ARMOR_SNIFF)
    return ByteSource(ArmorReader(source)) if armor else source


def open_decrypt(
    src: BinaryIO, identities: Iterable[X25519Identity], *, armor: bool | Literal["auto"] = "auto"
) -> AgeReader:
    """Parse and authenticate the header of the age file on ``src``; return a reader of its plaintext.

    ``armor``: True for ASCII-armored input, False for binary only, "auto" to detect (armor starts with "-----").
    Raises before returning if the header is malformed, no identity matches or the header MAC is wrong.
    """
    ids = list(identities)
    if not ids:
        raise MalformedError("at least one identity is required to decrypt")
    source = _make_source(src, None if armor == "auto" else bool(armor))
    header = parse_header(source)
    file_key = _unwrap_file_key(header, ids)
    verify_mac(file_key, header)
    nonce = bytearray(PAYLOAD_NONCE_SIZE)
    if source.fill(memoryview(nonce)) != PAYLOAD_NONCE_SIZE:
        raise AgeHeaderError("the age file ends before its payload nonce")
    return AgeReader(StreamDecryptor(source, payload_key(file_key, bytes(nonce))), header)


def decrypt_bytes(
    data: bytes, identities: Iterable[X25519Identity], *, armor: bool | Literal["auto"] = "auto"
) -> bytes:
    """Decrypt a whole age file held in memory; raises rather than return any partial plaintext."""
    with open_decrypt(io.BytesIO(data), identities, armor=armor) as reader:
        return reader.read()


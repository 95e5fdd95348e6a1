"""Chunked authenticated encryption of attachments, streamed in constant memory, with random-access reads.

An attachment (hours of audio, scans, PDFs of several GiB) is encrypted on its own under a per-blob random key. The
byte format is specified in ``docs/formats/blob-format.md``; in short (the design follows age's STREAM construction,
Hoang-Reyhanitabar-Rogaway-Vizár 2015):

    header  = magic "\\x89TIblob\\n" | version 0x01 | log2(chunk size) | salt (32 random bytes) | MAC (32 bytes)
    chunk_i = ChaCha20-Poly1305(payload key, nonce = i as 11-byte big-endian || last flag, plaintext_i)

Two subkeys are derived with HKDF-SHA256 from the caller's key, the header's random salt and an info string that binds
the header fields and the caller's ``blob_id``. So:

* a wrong key, a file belonging to another blob id, or an edited header fails the header MAC at open;
* a reordered, duplicated or dropped chunk fails (the index is in the nonce), and so does a chunk moved from another
  blob (the salt makes every blob's payload key different, even if a caller reused a key);
* truncation and extension fail: only the final chunk carries the last flag, and only the final chunk may be short.

Readers authenticate a whole chunk before handing out any byte of it. A seekable reader also authenticates the final
chunk when it opens, so the plaintext size it reports is authentic.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
from typing import TYPE_CHECKING, BinaryIO, Final, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.errors import AuthenticationError, CryptoError, MalformedError, UnsupportedError
from crypto.sealing import SealOnExit

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

MAGIC: Final = b"\x89TIblob\n"
VERSION: Final = 1
KEY_LEN: Final = 32
SALT_LEN: Final = 32
MAC_LEN: Final = 32
TAG_LEN: Final = 16
NONCE_LEN: Final = 12
# magic, version, log2(chunk size), salt: the bytes the header MAC covers.
_HEADER_FIELDS: Final = struct.Struct(f">{len(MAGIC)}sBB{SALT_LEN}s")
HEADER_LEN: Final = _HEADER_FIELDS.size + MAC_LEN
_WRITE_BATCH: Final = 1 << 20  # plaintext bytes of sealed chunks gathered per write to the destination
DEFAULT_CHUNK_LOG2: Final = 16  # 64 KiB: seeking costs one 64 KiB decryption; tags add 0.02 %
# A hostile header must not make a reader allocate much: 1 MiB is the most a reader will buffer per chunk.
MIN_CHUNK_LOG2: Final = 8
MAX_CHUNK_LOG2: Final = 20
MAX_BLOB_ID_LEN: Final = 1024
_LAST_CHUNK_LIMIT: Final = 1 << 88  # the counter is 11 bytes; no real file comes near this

_KDF_INFO: Final = b"testimony-intake blob v1\x00"
_BAD_CHUNK: Final = (
    "the attachment was altered or damaged: a chunk does not authenticate (tampering, truncation, or chunks reordered)"
)

# cryptography >= 47 encrypts and decrypts into caller buffers; older releases allocate per call.
_HAS_INTO: bool = hasattr(ChaCha20Poly1305, "encrypt_into")


def _check_key_and_id(key: bytes, blob_id: bytes) -> None:
    if len(key) != KEY_LEN:
        raise MalformedError("an attachment key is 32 bytes")
    if not 1 <= len(blob_id) <= MAX_BLOB_ID_LEN:
        raise MalformedError("an attachment id must be between 1 and 1024 bytes")


def _derive_keys(key: bytes, blob_id: bytes, header_fields: bytes) -> tuple[bytes, bytes]:
    """Payload key and header MAC key for one blob, bound to its header fields and blob id."""
    salt = header_fields[-SALT_LEN:]
    info = _KDF_INFO + header_fields[: -SALT_LEN] + len(blob_id).to_bytes(2, "big") + blob_id
    okm = HKDF(algorithm=hashes.SHA256(), length=2 * KEY_LEN, salt=salt, info=info).derive(key)
    return okm[:KEY_LEN], okm[KEY_LEN:]


def _nonce(index: int, last: bool) -> bytes:
    if index >= _LAST_CHUNK_LIMIT:
        raise MalformedError("the attachment has too many chunks")
    return index.to_bytes(NONCE_LEN - 1, "big") + (b"\x01" if last else b"\x00")


class _ChunkAead:
    """ChaCha20-Poly1305 sealing into and opening into preallocated buffers, so a chunk is never copied twice."""

    def __init__(self, payload_key: bytes) -> None:
        self._aead = ChaCha20Poly1305(payload_key)

    def seal_into(self, index: int, last: bool, plaintext: memoryview, out: memoryview) -> None:
        """Encrypt ``plaintext`` into ``out``, which is exactly ``len(plaintext) + TAG_LEN`` bytes."""
        nonce = _nonce(index, last)
        if _HAS_INTO:
            self._aead.encrypt_into(nonce, plaintext, None, out)
        else:
            out[:] = self._aead.encrypt(nonce, bytes(plaintext), None)

    def open_into(self, index: int, last: bool, ciphertext: memoryview, out: memoryview) -> bool:
        """Decrypt ``ciphertext`` into ``out`` (``len(ciphertext) - TAG_LEN`` bytes); False if it does not verify.

        On failure ``out`` is zeroed: OpenSSL writes the unauthenticated plaintext before it checks the tag.
        """
        nonce = _nonce(index, last)
        try:
            if _HAS_INTO:
                self._aead.decrypt_into(nonce, ciphertext, None, out)
            else:
                out[:] = self._aead.decrypt(nonce, bytes(ciphertext), None)
        except InvalidTag:
            out[:] = bytes(len(out))
            return False
        return True


class WritableStream(Protocol):
    """Where a :class:`BlobWriter` sends ciphertext: any binary file, raw or buffered, or a pipe-like sink."""

    def write(self, data: memoryview, /) -> int | None: ...


def _write_all(dst: WritableStream, data: memoryview) -> None:
    """Write every byte of ``data``: a raw file may accept only part of a write (a disk that is filling up)."""
    while data:
        written = dst.write(data)
        if written is None:  # a non-blocking raw stream returns None instead of blocking
            raise BlockingIOError("the destination would block")
        data = data[written:]


class BlobWriter(SealOnExit):
    """Encrypts a stream of plaintext into the blob format; the chunks each ``write`` call seals are on ``dst`` when it
    returns (gathered into writes of about 1 MiB).

    Memory stays at one chunk plus about 1 MiB of sealed output whatever the size. ``close()`` seals the final
    chunk; until it is called the output is not a valid blob (readers reject it as truncated). ``dst`` is neither
    flushed nor closed: the caller owns it. Leaving a ``with`` block by an exception abandons the blob without sealing
    the final chunk, so a partial plaintext can never be mistaken for a complete one.
    """

    def __init__(
        self, dst: WritableStream, key: bytes, blob_id: bytes, *, chunk_log2: int = DEFAULT_CHUNK_LOG2
    ) -> None:
        _check_key_and_id(key, blob_id)
        if not MIN_CHUNK_LOG2 <= chunk_log2 <= MAX_CHUNK_LOG2:
            raise ValueError("chunk_log2 out of range")
        self._dst = dst
        self._chunk_size = 1 << chunk_log2
        header_fields = _HEADER_FIELDS.pack(MAGIC, VERSION, chunk_log2, os.urandom(SALT_LEN))
        payload_key, mac_key = _derive_keys(key, blob_id, header_fields)
        self._aead = _ChunkAead(payload_key)
        self._pending = bytearray(self._chunk_size)  # plaintext not yet known to be or not to be the last chunk
        self._pending_len = 0
        # Sealed chunks are gathered and written together, up to about 1 MiB per write: one system call per 16
        # chunks of 64 KiB instead of one per chunk (the kernel's per-call cost was ~1/3 of the write's CPU time).
        self._stride = self._chunk_size + TAG_LEN
        self._out = bytearray(max(1, _WRITE_BATCH // self._chunk_size) * self._stride)
        self._out_view = memoryview(self._out)
        self._out_len = 0  # sealed bytes in self._out not yet written
        self._index = 0
        self._size = 0
        self._closed = False
        _write_all(dst, memoryview(header_fields + hmac.digest(mac_key, header_fields, hashlib.sha256)))

    @property
    def size(self) -> int:
        """Plaintext bytes written so far."""
        return self._size

    def write(self, data: ReadableBuffer) -> int:
        """Encrypt ``data`` (any bytes-like object); returns its length. Full chunks are written out at once."""
        if self._closed:
            raise ValueError("write to a closed BlobWriter")
        view = memoryview(data).cast("B")
        total = len(view)
        try:
            self._absorb(view)
            self._flush()  # every chunk sealed by this call is on ``dst`` when it returns
        except BaseException:
            # The output lost bytes or a chunk; sealing a final chunk now could make that look complete.
            self.abort()
            raise
        self._size += total
        return total

    def _absorb(self, view: memoryview) -> None:
        chunk = self._chunk_size
        while view:
            if self._pending_len == chunk:
                # More data follows, so the buffered chunk is not the last one.
                self._seal(memoryview(self._pending), last=False)
                self._pending_len = 0
            if self._pending_len == 0 and len(view) > chunk:
                # Enough input to know this chunk is not the last: seal it straight from the caller's buffer.
                self._seal(view[:chunk], last=False)
                view = view[chunk:]
                continue
            take = min(chunk - self._pending_len, len(view))
            self._pending[self._pending_len : self._pending_len + take] = view[:take]
            self._pending_len += take
            view = view[take:]

    def close(self) -> None:
        """Seal and write the final chunk (empty only when the whole plaintext is). Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self._seal(memoryview(self._pending)[: self._pending_len], last=True)
            self._flush()
        finally:
            self._pending[:] = bytes(len(self._pending))

    def abort(self) -> None:
        """Stop without sealing the final chunk: what was written stays an invalid (truncated) blob."""
        self._closed = True
        self._out_len = 0  # sealed chunks not yet written are dropped, never written after a failure
        self._pending[:] = bytes(len(self._pending))

    def _seal(self, plaintext: memoryview, *, last: bool) -> None:
        if self._out_len + self._stride > len(self._out):
            self._flush()
        end = self._out_len + len(plaintext) + TAG_LEN
        self._aead.seal_into(self._index, last, plaintext, self._out_view[self._out_len : end])
        self._out_len = end
        self._index += 1

    def _flush(self) -> None:
        if self._out_len:
            n, self._out_len = self._out_len, 0
            _write_all(self._dst, self._out_view[:n])


def _read_full(src: BinaryIO, buf: memoryview) -> int:
    """Fill ``buf`` from ``src`` unless the stream ends first; returns the number of bytes read."""
    got = 0
    readinto = getattr(src, "readinto", None)
    while got < len(buf):
        if readinto is not None:
            n = readinto(buf[got:])
        else:
            data = src.read(len(buf) - got)
            n = len(data)
            buf[got : got + n] = data
        if not n:
            break
        got += n
    return got


class BlobReader(io.RawIOBase):
    """Reads and authenticates a blob, a chunk at a time; a readable, and when ``src`` is seekable, seekable file.

    With a seekable ``src`` the header and the final chunk are authenticated at construction, so :attr:`size` is
    the authentic plaintext size and a truncated or extended file is refused at once; ``seek()`` then reaches any
    offset by decrypting only the chunk that holds it. With a stream that cannot seek, chunks are read in order and
    truncation is detected when the stream ends. Reads raise :class:`AuthenticationError` or
    :class:`MalformedError` before returning any byte of a chunk that does not verify.
    """

    def __init__(self, src: BinaryIO, key: bytes, blob_id: bytes, *, close_source: bool = False) -> None:
        super().__init__()
        _check_key_and_id(key, blob_id)
        self._src = src
        self._close_source = close_source
        header = bytearray(HEADER_LEN)
        if _read_full(src, memoryview(header)) < HEADER_LEN:
            raise MalformedError("the attachment file is too short to be an encrypted attachment")
        magic, version, chunk_log2, _salt = _HEADER_FIELDS.unpack_from(header)
        if magic != MAGIC:
            raise MalformedError("the file is not an encrypted attachment (unknown file signature)")
        if version != VERSION:
            raise UnsupportedError(f"encrypted attachment format version {version} is not supported")
        if not MIN_CHUNK_LOG2 <= chunk_log2 <= MAX_CHUNK_LOG2:
            raise MalformedError("the encrypted attachment header has an invalid chunk size")
        fields = bytes(header[: _HEADER_FIELDS.size])
        payload_key, mac_key = _derive_keys(key, blob_id, fields)
        expected = hmac.digest(mac_key, fields, hashlib.sha256)
        if not hmac.compare_digest(expected, bytes(header[_HEADER_FIELDS.size :])):
            raise AuthenticationError(
                "the attachment does not match its key: wrong key, a file swapped from another attachment, "
                "or an altered header"
            )
        self._aead = _ChunkAead(payload_key)
        self._chunk_size: int = 1 << chunk_log2
        self._ct = bytearray(self._chunk_size + TAG_LEN)
        self._pt = bytearray(self._chunk_size)
        self._chunk_index = -1  # index of the chunk held (authenticated) in self._pt, -1 for none
        self._chunk_len = 0
        self._pos = 0
        self._failed: CryptoError | None = None  # a stream read in order stays failed after a bad chunk
        self._size: int | None = None
        self._chunk_count = 0
        self._seekable = bool(src.seekable())
        if self._seekable:
            self._init_random_access()
        else:
            self._eof_seen = False

    # -- size and layout -------------------------------------------------------------------------------------------

    def _init_random_access(self) -> None:
        payload = self._src.seek(0, io.SEEK_END) - HEADER_LEN
        stride = self._chunk_size + TAG_LEN
        count = max(1, -(-payload // stride))
        last_ct = payload - (count - 1) * stride
        # Canonical layout: every chunk but the last is full; the last holds 1..chunk bytes (0 only if it is alone).
        if last_ct < TAG_LEN or (count > 1 and last_ct == TAG_LEN):
            raise MalformedError("the encrypted attachment is truncated or has trailing bytes")
        self._chunk_count = count
        self._size = (count - 1) * self._chunk_size + last_ct - TAG_LEN
        self._load_chunk(count - 1)  # authenticates the size and catches truncation and extension up front

    @property
    def size(self) -> int | None:
        """Plaintext size in bytes (authenticated), or None for a stream read in order that has not ended."""
        return self._size

    # -- io.RawIOBase ----------------------------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move to a plaintext offset; past the end is allowed (reads return nothing), before the start is not."""
        self._check_open()
        if not self._seekable or self._size is None:
            raise io.UnsupportedOperation("this encrypted attachment is read from a stream that cannot seek")
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Fill ``buffer`` with plaintext from the current position, as far as the end of the blob allows."""
        self._check_open()
        out = memoryview(buffer).cast("B")
        done = 0
        while done < len(out):
            n = self._read_step(out[done:])
            if n == 0:
                break
            done += n
        return done

    def read(self, size: int | None = -1) -> bytes:
        """Read up to ``size`` bytes (all the rest when negative or None)."""
        self._check_open()
        if size is None or size < 0:
            return self.readall()
        if self._size is not None:
            size = max(0, min(size, self._size - self._pos))
        buf = bytearray(size)
        n = self.readinto(buf)
        del buf[n:]
        return bytes(buf)

    def readall(self) -> bytes:
        """Read to the end. Prefer chunked reads for large attachments: this holds the whole rest in memory."""
        parts: list[bytes] = []
        while True:
            piece = self.read(self._chunk_size)
            if not piece:
                return b"".join(parts)
            parts.append(piece)

    def close(self) -> None:
        """Forget the decrypted chunk and close ``src`` if this reader owns it."""
        if self.closed:
            return
        self._pt[:] = bytes(len(self._pt))
        self._chunk_index = -1
        try:
            if self._close_source:
                self._src.close()
        finally:
            super().close()

    # -- chunks ----------------------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on a closed BlobReader")

    def _read_step(self, out: memoryview) -> int:
        """Copy plaintext at the current position into ``out``, at most to the end of the chunk holding it."""
        index, offset = divmod(self._pos, self._chunk_size)
        if self._seekable:
            if index >= self._chunk_count or self._size is None or self._pos >= self._size:
                return 0
            if index != self._chunk_index:
                if offset == 0 and len(out) >= self._chunk_size and index < self._chunk_count - 1:
                    # A whole middle chunk wanted: decrypt straight into the caller's buffer, saving a copy.
                    self._open_chunk_at(index, out[: self._chunk_size], last=False)
                    self._pos += self._chunk_size
                    return self._chunk_size
                self._load_chunk(index)
        elif index != self._chunk_index and not self._next_chunk_in_order(index):
            return 0
        n = min(len(out), self._chunk_len - offset)
        if n <= 0:
            return 0
        out[:n] = memoryview(self._pt)[offset : offset + n]
        self._pos += n
        return n

    def _load_chunk(self, index: int) -> None:
        last = index == self._chunk_count - 1
        length = (self._size or 0) - index * self._chunk_size if last else self._chunk_size
        self._chunk_index = -1
        self._open_chunk_at(index, memoryview(self._pt)[:length], last=last)
        self._chunk_index = index
        self._chunk_len = length

    def _open_chunk_at(self, index: int, out: memoryview, *, last: bool) -> None:
        """Read chunk ``index`` of a seekable source and authenticate it into ``out``."""
        ct = memoryview(self._ct)[: len(out) + TAG_LEN]
        self._src.seek(HEADER_LEN + index * (self._chunk_size + TAG_LEN))
        if _read_full(self._src, ct) != len(ct):
            raise MalformedError("the encrypted attachment is truncated")
        if not self._aead.open_into(index, last, ct, out):
            raise AuthenticationError(_BAD_CHUNK)

    def _next_chunk_in_order(self, index: int) -> bool:
        """Read and authenticate the next chunk of a non-seekable stream; False at the end of the blob."""
        if self._failed is not None:
            raise type(self._failed)(str(self._failed))
        if index != self._chunk_index + 1:
            # Only happens if a caller mixes positions; a stream cannot go back.
            raise io.UnsupportedOperation("this encrypted attachment can only be read in order")
        if self._eof_seen:
            return False
        ct = memoryview(self._ct)
        got = _read_full(self._src, ct)
        self._chunk_index = -1
        if got < TAG_LEN or (got == TAG_LEN and index > 0):
            self._failed = MalformedError("the encrypted attachment is truncated: its final chunk is missing")
            raise self._failed
        out = memoryview(self._pt)[: got - TAG_LEN]
        ok_last = False
        if got == len(ct):
            # A full chunk may be the final one; try "not last" first, as it almost always is (as age does).
            ok = self._aead.open_into(index, False, ct, out)
            if not ok:
                ok = ok_last = self._aead.open_into(index, True, ct, out)
        else:
            ok = ok_last = self._aead.open_into(index, True, ct[:got], out)
        if not ok:
            self._failed = AuthenticationError(_BAD_CHUNK)
            raise self._failed
        if ok_last:
            if _read_full(self._src, memoryview(bytearray(1))):
                self._pt[:] = bytes(len(self._pt))
                self._failed = MalformedError("the encrypted attachment has data after its final chunk")
                raise self._failed
            self._eof_seen = True
            self._size = index * self._chunk_size + len(out)
        self._chunk_index = index
        self._chunk_len = len(out)
        return True

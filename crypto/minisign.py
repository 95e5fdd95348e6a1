"""minisign public key files and signatures, byte-compatible with the stock ``minisign`` 0.11 program.

Every bundle carries ``.minisig`` files so that an auditor can check it with stock ``minisign -Vm FILE -p DEVICE.pub``
and no secret. Only the prehashed algorithm ``ED`` (Ed25519 over the BLAKE2b-512 digest of the file) is produced or
accepted. The legacy ``Ed`` algorithm signs the raw file, and a minisign *global* signature is itself an Ed25519
signature over ``signature || trusted comment``: accepting legacy signatures would turn every global signature this key
ever made into a valid signature of a "file" the device never signed. So legacy signatures are refused.

Format (one ``\\n`` after every line; see ``docs/formats/minisign-and-checkpoint.md``)::

    public key file            signature file (.minisig)
    untrusted comment: ...     untrusted comment: ...
    base64("Ed" || keyid || pk)  base64("ED" || keyid || sig)     sig = Ed25519(BLAKE2b-512(file))
                               trusted comment: <text>
                               base64(global_sig)                 global_sig = Ed25519(sig || <text>)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from crypto.errors import AuthenticationError, MalformedError, UnsupportedError
from crypto.signing import KEY_ID_LEN, PUBLIC_KEY_LEN, PublicKey, SigningKey

ALG_PUBLIC_KEY = b"Ed"
ALG_PREHASHED = b"ED"
ALG_LEGACY = b"Ed"
ED25519_SIG_LEN = 64
PREHASH_LEN = 64  # BLAKE2b-512, as libsodium's crypto_generichash_BYTES_MAX

UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "
DEFAULT_SIGNATURE_COMMENT = "signature from minisign secret key"

# minisign reads the comment lines with fgets() into 1024- and 8192-byte buffers (COMMENTMAXBYTES,
# TRUSTEDCOMMENTMAXBYTES, both counting prefix, newline and NUL); anything longer is rejected or split by it.
MAX_UNTRUSTED_COMMENT_BYTES = 1024 - len(UNTRUSTED_PREFIX) - 2
MAX_TRUSTED_COMMENT_BYTES = 8192 - len(TRUSTED_PREFIX) - 2
MAX_SIGNATURE_FILE_BYTES = 16 * 1024
MAX_PUBLIC_KEY_FILE_BYTES = 2 * 1024

_PUBLIC_KEY_STRUCT_LEN = 2 + KEY_ID_LEN + PUBLIC_KEY_LEN
_SIGNATURE_STRUCT_LEN = 2 + KEY_ID_LEN + ED25519_SIG_LEN
_READ_CHUNK = 1024 * 1024


class Readable(Protocol):
    """A binary file-like object: ``open(path, "rb")``, ``io.BytesIO``, a member of ``tarfile``..."""

    def read(self, size: int, /) -> bytes: ...


BytesLike = bytes | bytearray | memoryview
Data = BytesLike | Readable


@dataclass(frozen=True)
class Verified:
    """What a valid signature vouches for: its trusted comment and the id of the key that made it."""

    trusted_comment: str
    key_id: bytes


class Blake2bPrehasher:
    """Incremental BLAKE2b-512 of a file, the message that an ``ED`` signature signs.

    Feed chunks with :meth:`update` while the file streams past (e.g. while it is being written), then hand the
    :meth:`digest` to :func:`sign_digest` or :func:`verify_digest`.
    """

    __slots__ = ("_hash",)

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=PREHASH_LEN)

    def update(self, chunk: BytesLike) -> None:
        self._hash.update(chunk)

    def digest(self) -> bytes:
        return self._hash.digest()


def prehash(data: Data) -> bytes:
    """BLAKE2b-512 of ``data`` (bytes, or a binary stream read to its end in 1 MiB chunks)."""
    hasher = Blake2bPrehasher()
    if isinstance(data, bytes | bytearray | memoryview):
        hasher.update(data)
        return hasher.digest()
    while True:
        chunk = data.read(_READ_CHUNK)
        if not chunk:
            return hasher.digest()
        hasher.update(chunk)


# --- public key files ---------------------------------------------------------------------------------------------


def key_id_display(key_id: bytes) -> str:
    """The key id as minisign 0.11 writes it in a public key comment: ``%lX`` of the little-endian id, no padding."""
    return f"{int.from_bytes(key_id, 'little'):X}"


def format_public_key_base64(pk: PublicKey) -> str:
    """The one-line form ``minisign -P`` takes: base64("Ed" || key id || public key)."""
    return base64.b64encode(ALG_PUBLIC_KEY + pk.key_id + pk.public).decode("ascii")


def format_public_key_file(pk: PublicKey, untrusted_comment: str | None = None) -> str:
    """The two-line public key file exactly as ``minisign -G`` (0.11) writes it."""
    comment = f"minisign public key {key_id_display(pk.key_id)}" if untrusted_comment is None else untrusted_comment
    _check_comment_to_write(comment, MAX_UNTRUSTED_COMMENT_BYTES, "untrusted comment")
    return f"{UNTRUSTED_PREFIX}{comment}\n{format_public_key_base64(pk)}\n"


def parse_public_key_file(data: bytes | str) -> PublicKey:
    """Parse a minisign public key file, or the bare base64 line that ``minisign -P`` accepts.

    Raises MalformedError for anything that is not exactly one of these forms, UnsupportedError for a key of
    another algorithm.
    """
    raw = _to_bytes(data, MAX_PUBLIC_KEY_FILE_BYTES, "public key file")
    lines = _split_lines(raw, "public key file")
    if len(lines) == 1:
        key_line = lines[0]
    elif len(lines) == 2:
        if not lines[0].startswith(UNTRUSTED_PREFIX.encode()):
            raise MalformedError(f'a minisign public key file starts with "{UNTRUSTED_PREFIX}"')
        key_line = lines[1]
    else:
        raise MalformedError("a minisign public key file has two lines: a comment and the key")
    blob = _b64decode_exact(key_line, _PUBLIC_KEY_STRUCT_LEN, "public key")
    if blob[:2] != ALG_PUBLIC_KEY:
        raise UnsupportedError("this public key is not a minisign Ed25519 key")
    return PublicKey(blob[2 : 2 + KEY_ID_LEN], blob[2 + KEY_ID_LEN :])


# --- signatures ---------------------------------------------------------------------------------------------------


def sign(
    key: SigningKey,
    data: Data,
    trusted_comment: str,
    untrusted_comment: str = DEFAULT_SIGNATURE_COMMENT,
) -> str:
    """Sign ``data`` (bytes or a binary stream, read once to its end) and return the ``.minisig`` text.

    The trusted comment is covered by the global signature; it must be one line without control characters.
    """
    return sign_digest(key, prehash(data), trusted_comment, untrusted_comment)


def sign_digest(
    key: SigningKey,
    digest: bytes,
    trusted_comment: str,
    untrusted_comment: str = DEFAULT_SIGNATURE_COMMENT,
) -> str:
    """Like :func:`sign`, for a file already hashed with :class:`Blake2bPrehasher`."""
    if len(digest) != PREHASH_LEN:
        raise MalformedError("a minisign prehash is a 64-byte BLAKE2b-512 digest")
    comment_bytes = _check_comment_to_write(trusted_comment, MAX_TRUSTED_COMMENT_BYTES, "trusted comment")
    _check_comment_to_write(untrusted_comment, MAX_UNTRUSTED_COMMENT_BYTES, "untrusted comment")
    signature = key.sign(digest)
    global_signature = key.sign(signature + comment_bytes)
    sig_line = base64.b64encode(ALG_PREHASHED + key.key_id + signature).decode("ascii")
    global_line = base64.b64encode(global_signature).decode("ascii")
    return f"{UNTRUSTED_PREFIX}{untrusted_comment}\n{sig_line}\n{TRUSTED_PREFIX}{trusted_comment}\n{global_line}\n"


def verify(pk: PublicKey, data: Data, sig_text: bytes | str) -> Verified:
    """Check a ``.minisig`` against ``data`` (bytes or a binary stream) and the pinned key ``pk``.

    The signature file is parsed and its key id and global signature checked before the data is read, so a wrong
    or corrupt signature costs no pass over a large file. Raises AuthenticationError, MalformedError or
    UnsupportedError; returns the authenticated trusted comment.
    """
    parsed = _parse_signature(sig_text)
    _check_key_and_comment(pk, parsed)
    if not pk.verify(parsed.signature, prehash(data)):
        raise AuthenticationError("the signature does not match the file: it was altered or signed by another key")
    return Verified(parsed.trusted_comment, parsed.key_id)


def verify_digest(pk: PublicKey, digest: bytes, sig_text: bytes | str) -> Verified:
    """Like :func:`verify`, for a file already hashed with :class:`Blake2bPrehasher`."""
    if len(digest) != PREHASH_LEN:
        raise MalformedError("a minisign prehash is a 64-byte BLAKE2b-512 digest")
    parsed = _parse_signature(sig_text)
    _check_key_and_comment(pk, parsed)
    if not pk.verify(parsed.signature, digest):
        raise AuthenticationError("the signature does not match the file: it was altered or signed by another key")
    return Verified(parsed.trusted_comment, parsed.key_id)


def verify_comment(pk: PublicKey, sig_text: bytes | str) -> Verified:
    """Check a signature's key id and global signature (which binds the trusted comment to the signature) without the
    signed file. It does NOT prove anything about the file: :func:`verify_digest` must follow before the file is
    trusted. Lets a reader start on a large file's other checks while its hash is computed."""
    parsed = _parse_signature(sig_text)
    _check_key_and_comment(pk, parsed)
    return Verified(parsed.trusted_comment, parsed.key_id)


def signature_key_id(sig_text: bytes | str) -> bytes:
    """The key id a signature claims (unauthenticated), to pick which enrolled key to verify it with."""
    return _parse_signature(sig_text).key_id


@dataclass(frozen=True)
class _ParsedSignature:
    key_id: bytes
    signature: bytes
    trusted_comment: str
    trusted_comment_bytes: bytes
    global_signature: bytes


def _parse_signature(sig_text: bytes | str) -> _ParsedSignature:
    raw = _to_bytes(sig_text, MAX_SIGNATURE_FILE_BYTES, "signature file")
    lines = _split_lines(raw, "signature file")
    if len(lines) != 4:
        raise MalformedError("a minisign signature file has exactly four lines")
    untrusted, sig_line, trusted, global_line = lines
    if not untrusted.startswith(UNTRUSTED_PREFIX.encode()):
        raise MalformedError(f'a minisign signature file starts with "{UNTRUSTED_PREFIX}"')
    if len(untrusted) - len(UNTRUSTED_PREFIX) > MAX_UNTRUSTED_COMMENT_BYTES:
        raise MalformedError("the untrusted comment of the signature is too long")
    blob = _b64decode_exact(sig_line, _SIGNATURE_STRUCT_LEN, "signature")
    algorithm = blob[:2]
    if algorithm == ALG_LEGACY:
        raise UnsupportedError("legacy (non-prehashed) minisign signatures are not accepted; sign with minisign 0.10+")
    if algorithm != ALG_PREHASHED:
        raise UnsupportedError("unknown minisign signature algorithm")
    if not trusted.startswith(TRUSTED_PREFIX.encode()):
        raise MalformedError(f'the third line of a minisign signature starts with "{TRUSTED_PREFIX}"')
    comment_bytes = trusted[len(TRUSTED_PREFIX) :]
    if len(comment_bytes) > MAX_TRUSTED_COMMENT_BYTES:
        raise MalformedError("the trusted comment of the signature is too long")
    # minisign cuts the comment at a NUL or CR before checking the global signature; refusing control characters
    # here keeps this verifier from ever disagreeing with stock minisign about what was signed. TAB stays allowed:
    # minisign's own default trusted comment uses it.
    if any((b < 0x20 and b != 0x09) or b == 0x7F for b in comment_bytes):
        raise MalformedError("the trusted comment contains control characters")
    try:
        comment = comment_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedError("the trusted comment is not valid UTF-8") from None
    global_signature = _b64decode_exact(global_line, ED25519_SIG_LEN, "global signature")
    return _ParsedSignature(
        key_id=blob[2 : 2 + KEY_ID_LEN],
        signature=blob[2 + KEY_ID_LEN :],
        trusted_comment=comment,
        trusted_comment_bytes=comment_bytes,
        global_signature=global_signature,
    )


def _check_key_and_comment(pk: PublicKey, parsed: _ParsedSignature) -> None:
    if not hmac.compare_digest(parsed.key_id, pk.key_id):
        claimed = parsed.key_id[::-1].hex().upper()
        raise AuthenticationError(f"signed by key {claimed}, expected {pk.key_id_hex}")
    if not pk.verify(parsed.global_signature, parsed.signature + parsed.trusted_comment_bytes):
        raise AuthenticationError("the trusted comment of the signature was altered (global signature invalid)")


# --- shared parsing helpers ---------------------------------------------------------------------------------------


def _to_bytes(data: bytes | str, limit: int, what: str) -> bytes:
    if isinstance(data, str):
        if len(data) > limit:
            raise MalformedError(f"the {what} is too large")
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedError(f"the {what} is not valid text") from None
    if len(data) > limit:
        raise MalformedError(f"the {what} is too large")
    return bytes(data)


def _split_lines(raw: bytes, what: str) -> list[bytes]:
    """Lines of ``raw``: each ends in LF (optionally CRLF, as a file copied through Windows may); the final line
    may lack its LF. No blank line, no stray CR."""
    if not raw:
        raise MalformedError(f"the {what} is empty")
    body = raw[:-1] if raw.endswith(b"\n") else raw
    lines = [line[:-1] if line.endswith(b"\r") else line for line in body.split(b"\n")]
    for line in lines:
        if not line:
            raise MalformedError(f"the {what} has an empty line")
        if b"\r" in line or b"\x00" in line:
            raise MalformedError(f"the {what} contains control characters")
    return lines


def _b64decode_exact(line: bytes, length: int, what: str) -> bytes:
    """Strict base64 (standard alphabet, padded, canonical) of exactly ``length`` bytes."""
    if len(line) != 4 * ((length + 2) // 3):
        raise MalformedError(f"the {what} has the wrong length")
    try:
        decoded = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedError(f"the {what} is not valid base64") from None
    # Non-canonical encodings (stray bits in the last character) would let two texts carry the same key or
    # signature; refuse them so a signature file has exactly one spelling.
    if len(decoded) != length or base64.b64encode(decoded) != line:
        raise MalformedError(f"the {what} is not valid base64")
    return decoded


_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _check_comment_to_write(comment: str, limit: int, what: str) -> bytes:
    """Refuse what could break the one-line format or hide text when shown: control, format (bidi) and line
    separator characters. Returns the UTF-8 bytes."""
    if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in comment):
        raise MalformedError(f"a minisign {what} must be one line without control characters")
    encoded = comment.encode("utf-8")
    if len(encoded) > limit:
        raise MalformedError(f"a minisign {what} is limited to {limit} bytes")
    return encoded

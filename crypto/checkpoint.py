"""Signed checkpoints of a device's audit log (C2SP tlog-checkpoint text, signed with minisign) and the ``leaves`` file.

A checkpoint names the log (origin), its size and its RFC 6962 root::

    testimony-intake/device/22BA0C862E2055FD
    5
    Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=

followed by optional extension lines, every line ending in LF. It is signed like any other file, with a minisign
``ED`` signature beside it (``checkpoint.minisig``) whose trusted comment repeats origin, size and root so that an
auditor running stock ``minisign -Vm checkpoint`` sees them. The ``leaves`` file is the log's leaf hashes, 32 bytes
each, concatenated in log order; from it anyone recomputes the root, and the leaves of an earlier bundle must be a
prefix of a later one (the log only grew).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from crypto import merkle, minisign
from crypto.errors import AuthenticationError, MalformedError
from crypto.signing import PublicKey, SigningKey

ORIGIN_PREFIX = "testimony-intake/device/"
MAX_CHECKPOINT_BYTES = 16 * 1024
MAX_ORIGIN_LEN = 255
MAX_EXTENSION_LINES = 16
MAX_EXTENSION_LEN = 1024
MAX_TREE_SIZE = 2**64 - 1  # C2SP: the size is an unsigned 64-bit integer
_ROOT_B64_LEN = 44
_LEAF_CHUNK = merkle.HASH_LEN * 32 * 1024  # 1 MiB, whole leaves

LeafSource = bytes | bytearray | memoryview | minisign.Readable


def device_origin(pk: PublicKey) -> str:
    """The origin line of a device's log: fixed prefix and the 16-digit key id, so the log is bound to its key."""
    return ORIGIN_PREFIX + pk.key_id_hex


@dataclass(frozen=True)
class Checkpoint:
    """A log's origin, size and root hash, plus optional extension lines. Validated on construction."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # Accept any sequence of lines but store a tuple so the object stays hashable and immutable.
        object.__setattr__(self, "extensions", tuple(self.extensions))
        _check_origin(self.origin)
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedError("a checkpoint tree size is an integer from 0 to 2^64-1")
        if not isinstance(self.root, bytes) or len(self.root) != merkle.HASH_LEN:
            raise MalformedError("a checkpoint root hash is 32 bytes")
        if len(self.extensions) > MAX_EXTENSION_LINES:
            raise MalformedError(f"a checkpoint has at most {MAX_EXTENSION_LINES} extension lines")
        for line in self.extensions:
            _check_extension(line)

    def to_text(self) -> str:
        """The checkpoint text: origin, size, base64 root, extension lines, each followed by LF."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii"), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse(text: bytes | str) -> Checkpoint:
    """Parse checkpoint text strictly: ASCII, LF line ends, canonical decimal size, 32-byte root, bounded size.

    Only the canonical text is accepted, so ``parse(t).to_text() == t`` for every ``t`` that parses.
    """
    if isinstance(text, str):
        if len(text) > MAX_CHECKPOINT_BYTES:
            raise MalformedError("the checkpoint is too large")
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError:
            raise MalformedError("a checkpoint is ASCII text") from None
    else:
        raw = bytes(text)
        if len(raw) > MAX_CHECKPOINT_BYTES:
            raise MalformedError("the checkpoint is too large")
        if not raw.isascii():
            raise MalformedError("a checkpoint is ASCII text")
    if not raw.endswith(b"\n"):
        raise MalformedError("a checkpoint ends with a newline")
    lines = raw[:-1].decode("ascii").split("\n")
    if len(lines) < 3:
        raise MalformedError("a checkpoint has an origin, a size and a root hash line")
    origin, size_line, root_line, *extensions = lines
    return Checkpoint(origin, _parse_size(size_line), _parse_root(root_line), tuple(extensions))


def _check_origin(origin: str) -> None:
    if not isinstance(origin, str) or not origin:
        raise MalformedError("a checkpoint origin must not be empty")
    if len(origin) > MAX_ORIGIN_LEN:
        raise MalformedError("the checkpoint origin is too long")
    # C2SP: the origin (a note's key name) has no spaces and no '+'; printable ASCII keeps it unambiguous on screen.
    if not all(0x21 <= ord(ch) <= 0x7E and ch != "+" for ch in origin):
        raise MalformedError("a checkpoint origin is printable ASCII without spaces or '+'")


def _check_extension(line: str) -> None:
    if not isinstance(line, str) or not line:
        raise MalformedError("a checkpoint extension line must not be empty")
    if len(line) > MAX_EXTENSION_LEN:
        raise MalformedError("a checkpoint extension line is too long")
    if not all(0x20 <= ord(ch) <= 0x7E for ch in line):
        raise MalformedError("a checkpoint extension line is printable ASCII")


def _parse_size(line: str) -> int:
    if not line or len(line) > 20 or not all("0" <= ch <= "9" for ch in line):
        raise MalformedError("the checkpoint tree size is a decimal number")
    if len(line) > 1 and line[0] == "0":
        raise MalformedError("the checkpoint tree size has a leading zero")
    size = int(line)
    if size > MAX_TREE_SIZE:
        raise MalformedError("the checkpoint tree size is too large")
    return size


def _parse_root(line: str) -> bytes:
    if len(line) != _ROOT_B64_LEN:
        raise MalformedError("the checkpoint root hash is 44 characters of base64")
    encoded = line.encode("ascii")
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedError("the checkpoint root hash is not valid base64") from None
    if len(decoded) != merkle.HASH_LEN or base64.b64encode(decoded) != encoded:
        raise MalformedError("the checkpoint root hash is not canonical base64 of 32 bytes")
    return decoded


# --- signatures -----------------------------------------------------------------------------------------------------


def trusted_comment_for(cp: Checkpoint) -> str:
    """The trusted comment of a checkpoint signature: a purpose label plus origin, size and root, so a signature made
    for some other file by the same key is never taken for a checkpoint signature, and stock minisign shows them."""
    return f"testimony-intake checkpoint {cp.origin} {cp.size} {base64.b64encode(cp.root).decode('ascii')}"


def sign_checkpoint(key: SigningKey, cp: Checkpoint) -> tuple[str, str]:
    """Return ``(checkpoint text, .minisig text)`` for ``cp`` signed by ``key``."""
    text = cp.to_text()
    sig_text = minisign.sign(
        key, text.encode("ascii"), trusted_comment_for(cp), untrusted_comment="testimony-intake log checkpoint"
    )
    return text, sig_text


def verify_checkpoint(
    pk: PublicKey, text: bytes | str, sig_text: bytes | str, expected_origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint and return it.

    The origin must be ``expected_origin``, by default this device's own (:func:`device_origin`), so a checkpoint
    of one log is never accepted for another. Raises AuthenticationError, MalformedError or UnsupportedError.
    """
    cp = parse(text)
    # parse() accepts only the canonical text, so these are exactly the bytes that were signed.
    verified = minisign.verify(pk, cp.to_text().encode("ascii"), sig_text)
    if verified.trusted_comment != trusted_comment_for(cp):
        raise AuthenticationError("the signature was not made for this checkpoint (trusted comment differs)")
    origin = device_origin(pk) if expected_origin is None else expected_origin
    if cp.origin != origin:
        raise AuthenticationError(f"the checkpoint is for log {cp.origin!r}, expected {origin!r}")
    return cp


# --- leaves ---------------------------------------------------------------------------------------------------------


def iter_leaf_hashes(leaves: LeafSource) -> Iterator[bytes]:
    """The 32-byte leaf hashes of a ``leaves`` file (bytes or a binary stream); MalformedError when its length is
    not a multiple of 32. A stream is read in 1 MiB chunks."""
    if isinstance(leaves, bytes | bytearray | memoryview):
        data = bytes(leaves)
        if len(data) % merkle.HASH_LEN:
            raise MalformedError("a leaves file is a whole number of 32-byte hashes")
        for offset in range(0, len(data), merkle.HASH_LEN):
            yield data[offset : offset + merkle.HASH_LEN]
        return
    pending = b""
    while True:
        chunk = leaves.read(_LEAF_CHUNK)
        if not chunk:
            break
        pending += chunk
        whole = len(pending) - len(pending) % merkle.HASH_LEN
        for offset in range(0, whole, merkle.HASH_LEN):
            yield pending[offset : offset + merkle.HASH_LEN]
        pending = pending[whole:]
    if pending:
        raise MalformedError("a leaves file is a whole number of 32-byte hashes")


def verify_leaves(cp: Checkpoint, leaves: LeafSource) -> None:
    """Check that ``leaves`` holds exactly ``cp.size`` hashes whose RFC 6962 root is ``cp.root``.

    Raises AuthenticationError on a mismatch (stopping as soon as there are too many leaves), MalformedError on a
    file that is not a whole number of hashes.
    """
    builder = merkle.RootBuilder()
    for leaf in iter_leaf_hashes(leaves):
        if builder.size == cp.size:
            raise AuthenticationError(f"the leaves file has more than the {cp.size} entries the checkpoint names")
        builder.append(leaf)
    if builder.size != cp.size:
        raise AuthenticationError(f"the leaves file has {builder.size} entries, the checkpoint names {cp.size}")
    if not hmac.compare_digest(builder.root(), cp.root):
        raise AuthenticationError("the leaves do not hash to the checkpoint's root: the log was altered")


def is_prefix_growth(old_leaves: LeafSource, new_leaves: LeafSource) -> bool:
    """True when the old log's leaves are the first leaves of the new log (equal logs count: nothing was removed).

    Both must be whole numbers of 32-byte hashes (MalformedError otherwise); a stream is read once, in chunks.
    """
    old_iter = iter_leaf_hashes(old_leaves)
    new_iter = iter_leaf_hashes(new_leaves)
    for old in old_iter:
        new = next(new_iter, None)
        if new is None or not hmac.compare_digest(old, new):
            return False
    # Drain the new log so a malformed tail is still reported, not silently accepted.
    for _ in new_iter:
        pass
    return True


def leaves_bytes(leaf_hashes: Sequence[bytes]) -> bytes:
    """The ``leaves`` file content for a list of leaf hashes."""
    for leaf in leaf_hashes:
        if len(leaf) != merkle.HASH_LEN:
            raise MalformedError("a leaf hash is 32 bytes")
    return b"".join(leaf_hashes)

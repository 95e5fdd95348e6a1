"""RFC 6962 Merkle tree hashes and consistency proofs (verification as in RFC 9162 §2.1.4.2).

Each device keeps an append-only audit log; a bundle carries the log's leaf hashes and a signed checkpoint of its
root, so an auditor can recompute the root and check that a later log only grew. The hashes are RFC 6962's:

    leaf_hash(d)    = SHA-256(0x00 || d)
    node_hash(l, r) = SHA-256(0x01 || l || r)
    MTH({})         = SHA-256("")
    MTH(D[n])       = node_hash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n

The domain bytes keep a leaf from ever being mistaken for an inner node (second-preimage attacks on the tree).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

from crypto.errors import MalformedError

HASH_LEN = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes | bytearray) -> bytes:
    """RFC 6962 hash of one log entry (hashed in place: an entry may be large)."""
    digest = hashlib.sha256(_LEAF_PREFIX)
    digest.update(data)
    return digest.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 hash of an inner node from its two children."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_LEN:
        raise MalformedError(f"a {what} is a 32-byte SHA-256 hash")


class RootBuilder:
    """Streaming tree hash: append leaf hashes one by one, ask for the root at any time.

    Holds one hash per set bit of the leaf count (the roots of the perfect subtrees that tile the log from the left,
    a "compact range"), so memory is O(log n) and each append costs amortised O(1) hashes.
    """

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash (already ``leaf_hash``-ed)."""
        _check_hash(leaf, "leaf hash")
        node = leaf
        # Each trailing 1-bit of the old size is a perfect subtree of the same height as the one being carried.
        size = self._size
        while size & 1:
            node = node_hash(self._stack.pop(), node)
            size >>= 1
        self._stack.append(node)
        self._size += 1

    def root(self) -> bytes:
        """MTH of the leaves appended so far (SHA-256("") when none)."""
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash of a sequence (or any iterable) of leaf hashes, in O(n) time, O(log n) memory."""
    builder = RootBuilder()
    for leaf in leaf_hashes:
        builder.append(leaf)
    return builder.root()


def _split_point(n: int) -> int:
    """The largest power of two strictly less than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree_root(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    builder = RootBuilder()
    for i in range(start, end):
        builder.append(leaves[i])
    return builder.root()


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 6962 §2.1.2: shows the tree of ``old_size`` leaves is a prefix. O(n) hashes."""
    n = len(leaf_hashes)
    if not 0 <= old_size <= n:
        raise MalformedError("the old tree size is larger than the tree")
    if old_size in (0, n):
        return []
    proof: list[bytes] = []
    start, end, m = 0, n, old_size
    complete = True  # SUBPROOF's flag b: the old tree is this whole subtree of the old tree
    while m != end - start:
        k = _split_point(end - start)
        if m <= k:
            proof.append(_subtree_root(leaf_hashes, start + k, end))
            end = start + k
        else:
            proof.append(_subtree_root(leaf_hashes, start, start + k))
            start += k
            m -= k
            complete = False
    if not complete:
        proof.append(_subtree_root(leaf_hashes, start, end))
    proof.reverse()
    return proof


def _validate_proof(proof: Sequence[bytes]) -> None:
    if len(proof) > 64:
        raise MalformedError("a Merkle proof has at most 64 hashes")
    for node in proof:
        _check_hash(node, "proof hash")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """True when ``proof`` shows the tree (old_size, old_root) is a prefix of (new_size, new_root). RFC 9162
    §2.1.4.2, with its edge cases: equal sizes need equal roots and an empty proof; the empty tree is a prefix of
    every tree, with an empty proof."""
    _check_hash(old_root, "root hash")
    _check_hash(new_root, "root hash")
    _validate_proof(proof)
    if old_size < 0 or new_size < old_size:
        return False
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one: its root is the first node of the path.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)

"""RFC 6962 Merkle trees: published test vectors, a direct reference implementation, and exhaustive proof checks."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import merkle
from crypto.errors import MalformedError

# The RFC 6962 example log used by certificate-transparency-go and transparency-dev/merkle (proof/verify_test.go).
RFC_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
RFC_ROOTS = [
    bytes.fromhex(h)
    for h in [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]


def h(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string)


# (old size, new size, consistency proof)
RFC_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

RFC_LEAF_HASHES = [merkle.leaf_hash(d) for d in RFC_LEAVES]


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, written as the recursive definition (not the streaming algorithm under test)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:])).digest()


def synthetic_leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


# --- known values -------------------------------------------------------------------------------------------------


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert merkle.root([]) == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert merkle.RootBuilder().root() == merkle.EMPTY_ROOT


def test_leaf_and_node_hash_domain_separation() -> None:
    assert merkle.leaf_hash(b"") == RFC_ROOTS[0]
    assert merkle.node_hash(RFC_LEAF_HASHES[0], RFC_LEAF_HASHES[1]) == RFC_ROOTS[1]
    assert merkle.leaf_hash(b"\x01" + RFC_LEAF_HASHES[0] + RFC_LEAF_HASHES[1]) != RFC_ROOTS[1]


@pytest.mark.parametrize("size", range(1, 9))
def test_rfc6962_roots(size: int) -> None:
    assert merkle.root(RFC_LEAF_HASHES[:size]) == RFC_ROOTS[size - 1]
    builder = merkle.RootBuilder()
    for leaf in RFC_LEAF_HASHES[:size]:
        builder.append(leaf)
    assert builder.size == size
    assert builder.root() == RFC_ROOTS[size - 1]


@pytest.mark.parametrize(("old", "new", "proof"), RFC_CONSISTENCY)
def test_rfc6962_consistency_vectors(old: int, new: int, proof: list[bytes]) -> None:
    assert merkle.consistency_proof(RFC_LEAF_HASHES[:new], old) == proof
    old_root, new_root = RFC_ROOTS[old - 1], RFC_ROOTS[new - 1]
    assert merkle.verify_consistency(old, new, old_root, new_root, proof)
    if not proof:
        return
    assert not merkle.verify_consistency(old - 1, new, old_root, new_root, proof)
    assert not merkle.verify_consistency(old + 1, new, old_root, new_root, proof)
    assert not merkle.verify_consistency(old, new * 2, old_root, new_root, proof)
    assert not merkle.verify_consistency(old, new // 2, old_root, new_root, proof)
    assert not merkle.verify_consistency(old, new, new_root, old_root, proof)
    assert not merkle.verify_consistency(old, new, old_root, new_root, [])
    assert not merkle.verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not merkle.verify_consistency(old, new, old_root, new_root, [*proof, old_root])
    assert not merkle.verify_consistency(old, new, old_root, new_root, [proof[0], *proof])


def test_consistency_edge_cases_of_rfc9162() -> None:
    a, b = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.verify_consistency(0, 0, a, a, [])
    assert not merkle.verify_consistency(0, 0, a, b, [])
    assert merkle.verify_consistency(0, 5, a, b, [])  # the empty log is a prefix of every log
    assert not merkle.verify_consistency(0, 5, a, b, [a])
    assert merkle.verify_consistency(3, 3, a, a, [])
    assert not merkle.verify_consistency(3, 3, a, b, [])
    assert not merkle.verify_consistency(3, 3, a, a, [merkle.EMPTY_ROOT])
    assert not merkle.verify_consistency(2, 1, a, b, [])  # the log shrank
    assert not merkle.verify_consistency(1, 2, a, b, [])


def test_malformed_proof_inputs_are_refused() -> None:
    leaf = merkle.leaf_hash(b"data")
    with pytest.raises(MalformedError):
        merkle.verify_consistency(1, 2, b"short", leaf, [])
    with pytest.raises(MalformedError):
        merkle.verify_consistency(1, 2, leaf, leaf, [b""])
    with pytest.raises(MalformedError):
        merkle.verify_consistency(1, 2, leaf, leaf, [leaf] * 65)
    with pytest.raises(MalformedError):
        merkle.consistency_proof([leaf], 2)
    with pytest.raises(MalformedError):
        merkle.RootBuilder().append(b"x" * 31)


def test_huge_sizes_do_not_loop_or_crash() -> None:
    """Verification only walks the proof, so an absurd claimed size is cheap and simply fails."""
    leaf = merkle.leaf_hash(b"x")
    assert not merkle.verify_consistency(2**40 + 1, 2**64 - 1, leaf, leaf, [leaf] * 64)


# --- exhaustive and property checks -------------------------------------------------------------------------------


def test_streaming_root_matches_recursive_definition() -> None:
    leaves = synthetic_leaves(130)
    builder = merkle.RootBuilder()
    for n in range(131):
        assert builder.root() == reference_mth(leaves[:n]), n
        if n < 130:
            builder.append(leaves[n])
    # RootBuilder holds one hash per set bit of the size
    assert len(builder._stack) == bin(130).count("1")


def test_all_consistency_proofs_up_to_64_leaves() -> None:
    leaves = synthetic_leaves(64)
    roots = [reference_mth(leaves[:n]) for n in range(65)]
    for size in range(1, 65):
        prefix = leaves[:size]
        for old in range(size + 1):
            proof = merkle.consistency_proof(prefix, old)
            assert merkle.verify_consistency(old, size, roots[old], roots[size], proof), (old, size)
            if 0 < old < size:
                assert not merkle.verify_consistency(old, size, roots[old - 1], roots[size], proof)


@settings(max_examples=300, deadline=None)
@given(
    new=st.integers(min_value=2, max_value=64),
    data=st.data(),
)
def test_tampered_consistency_proof_fails(new: int, data: st.DataObject) -> None:
    leaves = synthetic_leaves(new)
    old = data.draw(st.integers(min_value=1, max_value=new - 1))
    proof = merkle.consistency_proof(leaves, old)
    old_root, new_root = merkle.root(leaves[:old]), merkle.root(leaves)
    assert merkle.verify_consistency(old, new, old_root, new_root, proof)
    element = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    tampered = list(proof)
    node = bytearray(tampered[element])
    node[bit // 8] ^= 1 << (bit % 8)
    tampered[element] = bytes(node)
    assert not merkle.verify_consistency(old, new, old_root, new_root, tampered)
    # a log whose old part was rewritten is not consistent with the old root
    rewritten = list(leaves)
    victim = data.draw(st.integers(min_value=0, max_value=old - 1))
    rewritten[victim] = merkle.leaf_hash(b"forged")
    forged_proof = merkle.consistency_proof(rewritten, old)
    assert not merkle.verify_consistency(old, new, old_root, merkle.root(rewritten), forged_proof)

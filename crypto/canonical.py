"""Canonical JSON: the one serialisation whose bytes are signed, hashed and compared (bundle manifests, revisions,
audit entries, testimonies, updates).

Sorted keys, no insignificant whitespace, UTF-8 without ASCII escaping, and no NaN or infinity (they are not JSON).
Strings are written as given: callers normalise them (NFC) before they reach here. A second implementation must produce
exactly these bytes; docs/bundle-format.md states the same rule.
"""

from __future__ import annotations

import json
from typing import Any


def canonical(obj: Any) -> bytes:
    """The canonical bytes of ``obj`` (dicts, lists, strings, ints, floats, booleans and None only)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def canonical_large(obj: Any) -> bytearray:
    """:func:`canonical`'s bytes, built piece by piece without the whole document as a ``str`` first: for documents
    that grow with an archive (the audit entry of an archive export lists every mention), where the ``str`` and its
    encoded copy would double the peak memory. The same bytes (the standard library's pure-Python encoder follows the
    same rules as its C one; tests/crypto/test_canonical_large.py compares them)."""
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    out = bytearray()
    for piece in encoder.iterencode(obj):
        out += piece.encode("utf-8")
    return out

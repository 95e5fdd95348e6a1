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

"""Build intake_app/data/names/hanja_readings.json (hanja -> Hangul reading) from the table of the `hanja` package.

Usage: ``python -m tools.make_hanja_table PATH/TO/hanja/table.yml > intake_app/data/names/hanja_readings.json``.
The source is suminb/hanja 0.15.1 (PyPI ``hanja``, WTFPL v2); its ``table.yml`` lines are ``"\\uXXXX": "\\uXXXX"``
(one reading per character, the original sound before the initial-sound rule: 李 -> 리). Only characters of the CJK
Unified Ideographs blocks (and their extension A and compatibility block) that read as one Hangul syllable are kept.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_LINE = re.compile(r'^"\\u([0-9A-Fa-f]{4,5})":\s*"\\u([0-9A-Fa-f]{4})"\s*$')


def _wanted(ch: str) -> bool:
    code = ord(ch)
    return 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def build(table: Path) -> dict[str, object]:
    readings: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        hanja, hangul = chr(int(match[1], 16)), chr(int(match[2], 16))
        if _wanted(hanja) and 0xAC00 <= ord(hangul) <= 0xD7A3:
            readings[hanja] = hangul
    return {"source": "suminb/hanja 0.15.1 table.yml (PyPI hanja, WTFPL v2), built by tools/make_hanja_table.py",
            "note": "one reading per character, before the initial-sound rule (李 -> 리)",
            "readings": dict(sorted(readings.items()))}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(build(Path(sys.argv[1])), ensure_ascii=False, separators=(",", ":")) + "\n")

"""``intake persons candidates`` streams (issue 30): without ``--limit`` it used to build every returned pair with its
features (1.2 million pairs at 400k mentions, more than 500 MB). The output must stay byte for byte what the whole
list printed at once gives (the CLI contract of issues 14 and 31), in JSON and in text, while the features are read a
few pairs at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake_app.cli.person_cmds import _candidate_text, candidate_json
from intake_app.display import clean_text, json_text
from intake_app.persons import candidates as cand
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.bundles.test_bundles_cli import PW
from tests.bundles.test_merge_properties import PASSPHRASE
from tests.conftest import Runner

NAMES = ["김철수", "Kim Chul-su", "김철 수", "이영희", "Lee Young-hee", "리영희", "박영철", "Park Young-chul"]


def _archive(path: Path) -> Vault:
    """An HQ vault whose namesakes give dozens of candidate pairs at --min-score 0."""
    hq = Vault.create(path, PASSPHRASE, "hq")[0]
    store = RecordStore(hq)
    for i in range(24):
        victims = [{"names": [{"hangul": NAMES[i % 3]} if i % 3 == 0 else {"roman": NAMES[i % 3]}], "sex": "M",
                    "birth": str(1950 + i % 4)},
                   {"names": [{"hangul": NAMES[3 + i % 3]} if i % 3 != 1 else {"roman": NAMES[3 + i % 3]}],
                    "birth": str(1960 + i % 2), "acts": [{"type": "arrest", "place": "혜산", "date": "1998"}]},
                   {"names": [{"hangul": NAMES[6]}] if i % 2 else [{"roman": NAMES[7]}]}]
        doc = {"interview": {"date": "2024", "language": "ko", "interviewer": "면담자"},
               "interviewee": {"pseudonym": f"증언자{i}", "relation": "daughter"}, "victims": victims}
        store.add_json(json.dumps(doc, ensure_ascii=False).encode())
    return hq


def _reference(vault: Vault, lang: str = "en", **kw: Any) -> list[dict[str, Any]]:
    return [candidate_json(c, lang) for c in cand.candidates(vault, min_score=0.0, **kw)]


def test_iter_candidates_equals_the_list_and_reads_features_a_few_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hq = _archive(tmp_path / "hq")
    whole = _reference(hq)
    assert len(whole) > 40  # enough pairs for many chunks
    monkeypatch.setattr(cand, "STREAM_CHUNK", 5)
    real = cand._features_of
    asked: list[int] = []

    def counting(conn: Any, nums: Any) -> dict[int, dict[str, Any]]:
        out = real(conn, nums)
        asked.append(len(out))
        return out

    monkeypatch.setattr(cand, "_features_of", counting)
    streamed = [candidate_json(c) for c in cand.iter_candidates(hq, min_score=0.0)]
    assert streamed == whole
    assert len(asked) >= len(whole) // 5 and max(asked) <= 10  # never more than a chunk's features at once
    limited = [candidate_json(c) for c in cand.iter_candidates(hq, min_score=0.0, limit=7)]
    assert limited == whole[:7]
    assert list(cand.iter_candidates(hq, min_score=1.0)) == []
    hq.lock()


@pytest.mark.parametrize("args", [(), ("--limit", "3"), ("--min-score", "1")])
def test_cli_stream_is_byte_for_byte_the_documented_output(intake: Runner, tmp_path: Path,
                                                             args: tuple[str, ...]) -> None:
    hq = _archive(tmp_path / "hq")
    limit = int(args[1]) if args[:1] == ("--limit",) else None
    min_score = float(args[1]) if args[:1] == ("--min-score",) else 0.0
    docs = [candidate_json(c) for c in cand.candidates(hq, min_score=min_score, limit=limit)]
    hq.lock()
    flags = args if args[:1] == ("--min-score",) else ("--min-score", "0", *args)
    res = intake("--vault", str(tmp_path / "hq"), "--json", "persons", "candidates", *flags, env=PW)
    assert res.returncode == 0, res
    assert res.stdout == json_text({"candidates": docs}) + "\n"
    assert json.loads(res.stdout)["candidates"] == docs
    res = intake("--vault", str(tmp_path / "hq"), "persons", "candidates", *flags, env=PW)
    assert res.returncode == 0, res
    text = "\n".join(_candidate_text(d) for d in docs) if docs else "no candidates"
    assert res.stdout == clean_text(text, keep_newlines=True) + "\n"

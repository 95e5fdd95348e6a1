"""An HQ vault with testimonies built for the consent cases; the exports are driven through the real CLI."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault

PASSPHRASE = "correct horse battery staple for exports"
ENV = {"INTAKE_PASSPHRASE": PASSPHRASE}
FULL_HANGUL, FULL_ROMAN = "류은별", "Ryu Un-byol"

VICTIM: dict[str, Any] = {
    "id": "v1",
    "names": [{"hangul": FULL_HANGUL, "hanja": "柳銀星", "roman": FULL_ROMAN, "system": "MR"}],
    "sex": "F", "birth": "1975~", "birth_text": "을묘년쯤", "origin": "함경북도 온성군",
    "categories": [6, 7], "status": "missing",
    "acts": [
        {"id": "a1", "type": "arrest", "date": "2011-09", "date_text": "2011년 9월", "place": "Hyesan",
         "source": "first_hand",
         "perpetrators": [{"organ": "MSS_CITY_COUNTY", "unit": "온성군 보위부", "rank": "상위", "name": "김성만",
                           "description": "burn scar on the left hand", "identification": "named"}]},
        {"id": "a2", "type": "detention", "follows": "a1", "date": "2011-23", "place": "Onsong",
         "facility": "온성군 보위부 구류장", "facility_type": "kuryujang", "source": "hearsay",
         "perpetrators": [{"organ": "MSS_CITY_COUNTY", "unit": "온성군 보위부", "identification": "unit_only"}]},
    ],
    "steps_taken": [{"date": "2012-03", "body": "대한적십자사", "action": "이산가족 생사확인 신청 (Ryu Un-byol)",
                     "response": "회신 없음"}],
}


def make_testimony(tid: str, consent: dict[str, Any], *, victim: dict[str, Any] | None = None,
              pseudonym: str = "W-117", interviewer: str = "I-03") -> dict[str, Any]:
    return {"id": tid, "interview": {"date": "2024-05-02", "place": "Seoul", "language": "ko",
                                     "interviewer": interviewer},
            "interviewee": {"pseudonym": pseudonym, "relation": "sister"},
            "narrative": "NARRATIVE-CANARY 류은별 was taken in September 2011.",
            "notes": "NOTES-CANARY", "consent": consent, "victims": [copy.deepcopy(victim or VICTIM)]}


class Hq:
    """An HQ vault plus a runner for `intake` against it."""

    def __init__(self, path: Path, runner: Any) -> None:
        self.path = path
        self.runner = runner

    def add(self, doc: dict[str, Any]) -> str:
        with Vault.open(self.path, PASSPHRASE) as vault:
            return RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8")).record_id

    def run(self, *args: str) -> Any:
        return self.runner("--vault", str(self.path), *args, env=ENV)

    def json(self, *args: str) -> Any:
        result = self.run("--json", *args)
        assert result.returncode == 0, str(result)
        return json.loads(result.stdout)


@pytest.fixture
def hq(tmp_path: Path, intake: Any) -> Iterator[Hq]:
    path = tmp_path / "hq"
    vault, _ = Vault.create(path, PASSPHRASE, "hq")
    vault.lock()
    yield Hq(path, intake)


TID_A = "0190f6b8-7a1c-7d2e-9f00-000000000001"
TID_B = "0190f6b8-7a1c-7d2e-9f00-000000000002"


def pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: packaging/debian-packages.sh test"
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout

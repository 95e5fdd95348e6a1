"""A FOOTPRINTS-style CSV: Korean labels, a --map file, year-only and full dates, a '|' multi-value, a broken row."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from intake_app.archive import store
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, Hq

HEADER = "제목,성명,한자,성별,생년월일,피해자 분류,납북일,납북장소,비고\r\n"
ROWS = [
    "홍길동,홍길동,洪吉童,남,1931,6·25전쟁 납북자,1950-07-15,서울,\r\n",
    "이순자,이순자,,여,1928-03-02,전시납북자|정치범,1950,\"Hyesan, 양강도\",\"두 줄의\n비고\"\r\n",
    "김영남,김영남,,남성,1961,전후납북자,1978-08-05~1978-08-10,군산,\r\n",
    "박철,박철,,남,1940,6·25전쟁 납북자,1950년 어느날,서울,\r\n",  # broken: an unreadable date
    "최말순,최말순,,Femme,1935,외계인,1950-09,평양,\r\n",  # unknown sex and category: kept as said
]
MAP = {"columns": {"제목": "title", "성명": "victim.name.hangul", "한자": "victim.name.hanja", "성별": "victim.sex",
                   "생년월일": "victim.birth", "피해자 분류": "victim.categories", "납북일": "act.date",
                   "납북장소": "act.place", "비고": "notes"},
       "date_format": "YYYY-MM-DD"}


def _write(tmp_path: Path, rows: list[str], name: str = "footprints.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" + HEADER + "".join(rows)).encode("utf-8"))
    return path


def _map(tmp_path: Path) -> Path:
    path = tmp_path / "map.json"
    path.write_text(json.dumps(MAP, ensure_ascii=False), encoding="utf-8")
    return path


def _contents(hq: Hq) -> dict[str, dict[str, Any]]:
    with Vault.open(hq.path, PASSPHRASE) as vault:
        rows = vault.conn.execute("""SELECT v.content FROM reference_records r JOIN reference_versions v
                                     ON v.record_id = r.id AND v.version = r.version""").fetchall()
    return {json.loads(c)["title"]: json.loads(c) for (c,) in rows}


def test_footprints_csv_with_korean_labels_and_a_map(fresh_hq: Hq, tmp_path: Path) -> None:
    csv_path, map_path = _write(tmp_path, ROWS), _map(tmp_path)
    args = ("import", "uwazi", str(csv_path), "--template", "victims", "--source", "FOOTPRINTS", "--map",
            str(map_path), "--lang", "ko")
    dry = fresh_hq.json(*args, "--dry-run")
    assert (dry["created"], dry["updated"], dry["unchanged"], dry["refused"]) == (4, 0, 0, 1)
    assert dry["import_id"] is None and dry["refusals"][0]["row"] == 4
    assert "act.date" in dry["refusals"][0]["reason"] and "YYYY-MM-DD" in dry["refusals"][0]["reason"]
    assert _contents(fresh_hq) == {}  # the dry run wrote nothing
    text = fresh_hq.run(*args, "--dry-run")
    assert "refused row 4" in text.stdout and "성명 -> victim.name.hangul" in text.stdout

    doc = fresh_hq.json(*args)
    assert (doc["created"], doc["refused"], doc["unmapped_columns"]) == (4, 1, [])
    assert doc["refusals"] == dry["refusals"]
    got = _contents(fresh_hq)
    assert set(got) == {"홍길동", "이순자", "김영남", "최말순"}
    hong = got["홍길동"]
    assert hong["names"] == [{"hangul": "홍길동", "hanja": "洪吉童"}] and hong["sex"] == "M"
    assert hong["birth"] == "1931" and hong["categories"] == [2]  # year-only stays a year, not 1 January
    assert hong["acts"] == [{"date": "1950-07-15", "date_text": "1950-07-15", "place": "서울"}]
    lee = got["이순자"]
    assert lee["categories"] == [2, 7]  # the '|' multi-value
    assert lee["birth"] == "1928-03-02" and lee["acts"][0]["date"] == "1950" and lee["notes"] == "두 줄의\n비고"
    assert got["김영남"]["acts"][0]["date"] == "1978-08-05/1978-08-10" and got["김영남"]["sex"] == "M"
    choi = got["최말순"]
    assert "sex" not in choi and "categories" not in choi
    assert choi["as_said"] == [{"field": "victim.sex", "value": "Femme"},
                               {"field": "victim.categories", "value": "외계인"}]
    assert doc["unknown_value_count"] == 2

    # Provenance: source, file SHA-256, row number, the original row's bytes, import time.
    with Vault.open(fresh_hq.path, PASSPHRASE) as vault:
        rid = vault.conn.execute("SELECT id FROM reference_records WHERE identity = 'title:이순자'").fetchone()[0]
        hist = store.history(vault.conn, rid)
        audit = vault.conn.execute("SELECT entry FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert len(hist) == 1 and hist[0]["source"] == "FOOTPRINTS" and hist[0]["row"] == 2
    assert hist[0]["original_row"] == ROWS[1].encode("utf-8") and hist[0]["imported_at"]
    assert hist[0]["file_sha256"] == hashlib.sha256(csv_path.read_bytes()).hexdigest() == doc["file_sha256"]
    entry = json.loads(audit)
    assert entry["action"] == "reference_import" and entry["detail"]["file_sha256"] == doc["file_sha256"]
    assert (entry["detail"]["created"], entry["detail"]["refused"], entry["detail"]["rows"]) == (4, 1, 5)
    assert "이순자".encode() not in audit and b"FOOTPRINTS" not in audit  # no content in the log

    # A later export of the same collection: a changed row is a new version, the history kept; the rest unchanged.
    changed = [*ROWS[:2], ROWS[2].replace("1961", "1960"), *ROWS[3:]]
    again = fresh_hq.json("import", "uwazi", str(_write(tmp_path, changed, "later.csv")), "--template", "victims",
                          "--source", "FOOTPRINTS", "--map", str(map_path))
    assert (again["created"], again["updated"], again["unchanged"], again["refused"]) == (0, 1, 3, 1)
    with Vault.open(fresh_hq.path, PASSPHRASE) as vault:
        rid = vault.conn.execute("SELECT id FROM reference_records WHERE identity = 'title:김영남'").fetchone()[0]
        hist = store.history(vault.conn, rid)
    assert [h["content"]["birth"] for h in hist] == ["1961", "1960"]
    assert [h["import"] for h in hist] == [doc["import_id"], again["import_id"]]
    assert len(fresh_hq.json("import", "list")["imports"]) == 2
    shown = fresh_hq.json("import", "show", again["import_id"])
    assert shown["updated"] == 1 and [r["row"] for r in shown["records"]] == [3]

"""Bad input gets a clear error and changes nothing (one transaction); a bad row is refused with its number."""

from __future__ import annotations

import io
import json
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from intake_app.archive import source
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, Hq

GOOD = "title,name__ko,sex__en\r\n홍길동,홍길동,Male\r\n김영희,김영희,Female\r\n"


def _state(hq: Hq) -> tuple[int, int, int, int]:
    with Vault.open(hq.path, PASSPHRASE) as vault:
        c = vault.conn
        return tuple(int(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[return-value]
                     for t in ("reference_imports", "reference_records", "reference_versions", "audit_log"))


def _refused(hq: Hq, path: Path, *extra: str, template: str = "victims") -> str:
    before = _state(hq)
    result = hq.run("import", "uwazi", str(path), "--template", template, "--source", "S", *extra)
    assert result.returncode == 2, result
    assert _state(hq) == before
    assert "Traceback" not in result.stderr
    return str(result.stderr)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_file_level_refusals_change_nothing(fresh_hq: Hq, tmp_path: Path) -> None:
    cases: dict[str, tuple[bytes, str]] = {
        "binary.csv": (b"\x00\x01\x02PNG\x00" * 10, "not a CSV or ZIP"),
        "fake.zip": (GOOD.encode(), "not a ZIP"),
        "noimport.zip": (_zip({"data.csv": GOOD.encode()}), "no import.csv"),
        "cp949.csv": (GOOD.encode("cp949"), "not UTF-8"),
        "utf16.csv": (GOOD.encode("utf-16"), "UTF-16"),
        "notitle.csv": ("name__ko,sex__en\r\n홍길동,Male\r\n".encode(), "no column is mapped to title"),
        "empty.csv": (b"", "empty"),
        "badquote.csv": (b'title\r\n"unterminated\r\n', "not valid CSV"),
        "bigrow.csv": (("title,notes\r\nA," + "x" * (source.MAX_ROW_BYTES + 10) + "\r\n").encode(), "row 1 is over"),
        # Over 1 MiB in bytes though not in characters (Hangul is 3 bytes in UTF-8), on row 2.
        "bigkorean.csv": (("title,notes\r\nA,b\r\nB," + "가" * (source.MAX_ROW_BYTES // 3 + 10) + "\r\n").encode(),
                          "row 2 is over"),
    }
    for name, (data, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert words in _refused(fresh_hq, path), name
    # A ZIP whose import.csv is not UTF-8 either.
    path = tmp_path / "cp949.zip"
    path.write_bytes(_zip({"import.csv": GOOD.encode("cp949")}))
    assert "not UTF-8" in _refused(fresh_hq, path)
    # A file over the documented size (sparse: no disk is used).
    big = tmp_path / "huge.csv"
    with big.open("wb") as fh:
        fh.truncate(source.MAX_FILE_BYTES + 1)
    assert "MiB limit" in _refused(fresh_hq, big)


def test_template_and_map_refusals(fresh_hq: Hq, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD.encode())
    before = _state(fresh_hq)
    result = fresh_hq.run("import", "uwazi", str(good), "--template", "witnesses", "--source", "S")
    assert result.returncode == 2 and "witnesses" in result.stderr and _state(fresh_hq) == before
    bad_field = tmp_path / "map1.json"
    bad_field.write_text(json.dumps({"columns": {"title": "victim.shoe_size"}}), encoding="utf-8")
    assert "not a field" in _refused(fresh_hq, good, "--map", str(bad_field))
    missing = tmp_path / "map2.json"
    missing.write_text(json.dumps({"columns": {"제목": "title"}}), encoding="utf-8")
    assert "does not have: 제목" in _refused(fresh_hq, good, "--map", str(missing))
    shape = tmp_path / "map3.json"
    shape.write_text(json.dumps({"title": "title"}), encoding="utf-8")
    assert '"columns"' in _refused(fresh_hq, good, "--map", str(shape))
    assert "--source" in _refused(fresh_hq, good, "--source", "bad\u202ename")


def test_core_refuses_an_unknown_template(fresh_hq: Hq, tmp_path: Path) -> None:
    from intake_app.archive.importer import run_import
    from intake_app.errors import UsageError

    good = tmp_path / "good.csv"
    good.write_bytes(GOOD.encode())
    with Vault.open(fresh_hq.path, PASSPHRASE) as vault, pytest.raises(UsageError, match="unknown template"):
        run_import(vault, good, template="testimonies", source_name="S")


def test_rows_breaking_the_text_rules_are_refused_others_go_on(fresh_hq: Hq, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "박영희")
    assert nfd != "박영희"
    rows = [
        "홍길동,홍길동,Male\r\n",
        "evil\u202egnp,이름,Male\r\n",  # a bidi override in the title
        "ctl,이\u0007름,Female\r\n",  # a control character in a name
        f"{nfd},{nfd},Female\r\n",  # decomposed Hangul: stored as NFC
        "short,only two\r\n",  # too few cells
        "홍길동,또 다른,Male\r\n",  # the same title as row 1: the same record twice
    ]
    path = tmp_path / "rows.csv"
    path.write_bytes(("\ufefftitle,name__ko,sex__en\r\n" + "".join(rows)).encode("utf-8"))  # a UTF-8 BOM is fine
    doc = fresh_hq.json("import", "uwazi", str(path), "--template", "victims", "--source", "S")
    assert (doc["rows"], doc["created"]) == (6, 2)
    reasons = {r["row"]: r["reason"] for r in doc["refusals"]}
    assert sorted(reasons) == [2, 3, 5, 6]
    assert "bidirectional" in reasons[2] and "title" in reasons[2] and "gnp" not in reasons[2]
    assert "control" in reasons[3] and "victim.name.hangul" in reasons[3]
    assert "2 cells" in reasons[5] and "row 1" in reasons[6]
    with Vault.open(fresh_hq.path, PASSPHRASE) as vault:
        titles = sorted(json.loads(c)["title"] for (c,) in vault.conn.execute("SELECT content FROM reference_versions"))
    assert titles == sorted(["홍길동", "박영희"])


def test_import_is_one_transaction(fresh_hq: Hq, tmp_path: Path) -> None:
    """A failure after rows were written (an unterminated quote at the end) leaves nothing behind."""
    path = tmp_path / "late.csv"
    path.write_bytes(("title\r\n" + "".join(f"row {i}\r\n" for i in range(500)) + '"broken\r\n').encode())
    assert "not valid CSV" in _refused(fresh_hq, path)
    assert os.path.exists(fresh_hq.path)

"""Every character of every string of a PDF renders (issue 28, item 7): pdftotext gives back, character by character,
what the document was asked to draw, in Korean, Japanese, Simplified and Traditional Chinese and Latin."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from intake_app.exports import consent, pdf_fonts, wgeid
from intake_app.exports.base import ExportRequest
from intake_app.exports.pdf import Document
from intake_app.exports.settings import Organisation
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.exports.conftest import TID_A, VICTIM, make_testimony

SAMPLES = [
    "丹东市公安局",                    # Simplified Chinese (NanumGothic lacks 东)
    "臺灣 國家安全局 邊境管理",          # Traditional Chinese
    "あいうえお カタカナ 東京都 髙橋",     # Japanese kana and kanji
    "류은별 리영길 함경북도 온성군 똠방각하",  # Hangul, rare syllables too
    "柳銀星 李永吉 李永鎭 朴哲民 南宮玉",    # hanja names
    "Référence du cas — Señora Núñez, «procédure» ‘urgent’ №5 ½",  # Latin, accents, punctuation
    "<b>not markup</b> & \"quoted\"",  # markup characters are text
]


def _pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def _chars(text: str) -> str:
    return "".join(text.split())


def test_every_character_comes_back_in_order() -> None:
    doc = Document("PDF glyph coverage 글꼴 字体")
    for i, sample in enumerate(SAMPLES):
        (doc.heading if i % 2 else doc.para)(sample)
    out = _chars(_pdftotext(doc.render("footer")))
    expected = _chars("".join(doc.texts()) + "footer — 1")
    assert out == expected


def test_a_character_no_font_holds_is_refused_not_dropped() -> None:
    doc = Document("title")
    doc.para("private use \U000f0000")
    with pytest.raises(pdf_fonts.MissingGlyphs, match="U\\+F0000"):
        doc.render()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_string_of_a_wgeid_case_renders(tmp_path: Path, lang: str) -> None:
    victim = copy.deepcopy(VICTIM)
    victim["names"].append({"hanja": "李永鎭"})
    victim["acts"][0]["perpetrators"][0]["unit"] = "丹东市公安局"
    victim["steps_taken"][0]["body"] = "臺灣 紅十字會"
    victim["acts"][0]["place"] = "東京都 新宿区"
    vault, _ = Vault.create(tmp_path / "hq", "pass phrase for glyphs", "hq")
    RecordStore(vault).add_json(json.dumps(make_testimony(TID_A, {"wgeid": {"value": "granted", "anonymity":
                                "full_name", "date": "2024-05-02"}}, victim=victim), ensure_ascii=False).encode())
    release = consent.decide(vault, "wgeid", [f"{TID_A}/v1"])
    vault.lock()
    request = ExportRequest("wgeid", "wgeid", (f"{TID_A}/v1",), tmp_path / "o", subject=f"{TID_A}/v1",
                            options={"lang": lang, "organisation": Organisation(name="NGO 人权"),
                                     "today": dt.date(2026, 12, 6)})
    files = dict(wgeid.EXPORTER.render(release, request).files)
    case = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    pdf = next(v for k, v in files.items() if k.endswith(".pdf"))
    texts = wgeid.document(case).texts()
    joined = "".join(texts)
    for needle in ("丹东市公安局", "東京都", "臺灣", "李永鎭", "류은별"):
        assert needle in joined  # the test draws what it means to check
    out = _pdftotext(pdf)
    lost = Counter(_chars(joined)) - Counter(_chars(out))
    assert not lost, f"characters dropped from the PDF: {''.join(sorted(lost.elements()))}"
    flat = _chars(out)
    for page in range(1, out.count("\f") + 1):  # a string may run across a page break (the footer between)
        flat = flat.replace(_chars(f"WGEID {case['case_reference']} — {page}"), "")
    for text in texts:
        assert _chars(text) in flat, text

"""tools/i18n_import_dicts folds old dict catalogue modules into ko.po: new entries added, existing translations win,
the modules deleted, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tools import i18n_extract, i18n_import_dicts

DICT_MODULE = '''"""A branch's Korean entries, written before the move to gettext."""

from ui.i18n.catalog_ko_other import KO_OTHER  # never imported by the converter

KO_AREA: dict[str, str] = {
    'Give HQ this &key': 'HQ에 이 키 전달(&K)',
    'Unlock the vault': '다른 번역',
    (
        'A long message '
        'in two parts.'
    ):
        ('두 부분으로 된 '
         '긴 메시지.'),
    'Waiting': '대기 중',
}
KO_AREA['Fingerprint {fp}'] = '지문 {fp}'
KO.update({'Panic': '긴급'})
KO.update(KO_AREA)
'''


@pytest.fixture
def i18n_dir(tmp_path: Path) -> Path:
    root = tmp_path / "i18n"
    (root / "locale").mkdir(parents=True)
    po = i18n_extract.new_catalogue("ko")
    po.append(polib.POEntry(msgid="Unlock the vault", msgstr="보관함 잠금 해제"))
    po.append(polib.POEntry(msgid="Waiting", msgstr=""))  # in the catalogue, not yet translated
    po.save(str(root / "locale" / "ko.po"))
    (root / "catalog_ko_area.py").write_text(DICT_MODULE, encoding="utf-8")
    (root / "catalog_ko.py").write_text("KO = {'Unlock the vault': '보관함 잠금 해제'}\n", encoding="utf-8")
    (root / "catalogs.py").write_text("# not a dict catalogue: must survive\n", encoding="utf-8")
    return root


def test_folds_new_entries_keeps_existing_ones_and_deletes_the_modules(i18n_dir: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert i18n_import_dicts.run(i18n_dir, merge_source=False) == 0
    po = {e.msgid: e.msgstr for e in polib.pofile(str(i18n_dir / "locale" / "ko.po"))}
    assert po == {
        "Unlock the vault": "보관함 잠금 해제",  # the .po wins over the module's other translation
        "Waiting": "대기 중",  # an untranslated entry is filled
        "Give HQ this &key": "HQ에 이 키 전달(&K)",
        "A long message in two parts.": "두 부분으로 된 긴 메시지.",
        "Fingerprint {fp}": "지문 {fp}",
        "Panic": "긴급",
    }
    assert sorted(p.name for p in i18n_dir.iterdir()) == ["catalogs.py", "locale"]
    report = capsys.readouterr().out
    assert "catalog_ko_area.py: 6 entries, 4 added, 1 filled, 1 kept" in report
    assert "kept ko.po's translation of 'Unlock the vault'" in report
    before = (i18n_dir / "locale" / "ko.po").read_bytes()
    assert i18n_import_dicts.run(i18n_dir, merge_source=False) == 0  # re-runnable: nothing left to fold
    assert (i18n_dir / "locale" / "ko.po").read_bytes() == before


def test_a_module_that_is_not_plain_data_is_refused_before_anything_changes(i18n_dir: Path) -> None:
    (i18n_dir / "catalog_ko_bad.py").write_text("KO_BAD = {'Save': make_text()}\n", encoding="utf-8")
    before = (i18n_dir / "locale" / "ko.po").read_bytes()
    with pytest.raises(ValueError):
        i18n_import_dicts.run(i18n_dir, merge_source=False)
    assert (i18n_dir / "locale" / "ko.po").read_bytes() == before
    assert (i18n_dir / "catalog_ko_area.py").exists() and (i18n_dir / "catalog_ko_bad.py").exists()

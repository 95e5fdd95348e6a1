"""Fold the old Python dict catalogues (``ui/i18n/catalog_ko*.py``) into ``ui/i18n/locale/ko.po``, then delete them.

Korean translations used to be dicts keyed by the English text; branches written before the move to gettext still add
``catalog_ko_<area>.py`` modules. After merging such a branch run ``python -m tools.i18n_import_dicts``: every entry
whose English text is not yet in ``ko.po`` is added with its Korean; an entry already in ``ko.po`` (translated) wins
and is left alone; an untranslated one is filled. The modules are then deleted, the template and every catalogue
are merged with the source (``tools.i18n_extract``), and a report says what was added, what was skipped because
``ko.po`` already had it differently, and which files still mention the old modules. Re-running it with no dict
modules left changes nothing but that merge.

The modules are read with ``ast`` and never imported or executed: top-level ``NAME = {...}`` /
``NAME: dict[str, str] = {...}``, ``NAME.update({...})`` and ``NAME["English"] = "한국어"`` are understood, with
literal strings only (implicit concatenation and parentheses are fine).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import polib

from tools import i18n_extract

ROOT = i18n_extract.ROOT
I18N_DIR = ROOT / "ui" / "i18n"
PATTERN = "catalog_ko*.py"


def read_dict_module(path: Path) -> dict[str, str]:
    """The English → Korean entries a dict module defines, read without executing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    entries: dict[str, str] = {}

    def take(node: ast.expr | None) -> None:
        if isinstance(node, ast.Dict):
            value = ast.literal_eval(node)
            for key, text in value.items():
                if not (isinstance(key, str) and isinstance(text, str)):
                    raise ValueError(f"{path.name}: a non-string entry {key!r}")
                entries[key] = text

    for stmt in tree.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(stmt.value, ast.Constant):
                    key = ast.literal_eval(target.slice)
                    if isinstance(key, str) and isinstance(stmt.value.value, str):
                        entries[key] = stmt.value.value
            take(stmt.value)
        elif (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
              and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "update"):
            for arg in stmt.value.args:
                take(arg)
    return entries


def fold(po: polib.POFile, entries: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Add ``entries`` to ``po``: (added, filled untranslated, kept because the .po differs)."""
    added: list[str] = []
    filled: list[str] = []
    kept: list[str] = []
    existing = {entry.msgid: entry for entry in po}
    for msgid, text in entries.items():
        entry = existing.get(msgid)
        if entry is None:
            po.append(polib.POEntry(msgid=msgid, msgstr=text))
            added.append(msgid)
        elif entry.msgid_plural:
            kept.append(msgid)  # a plural entry in the .po: its forms are the translator's, not a single dict string
        elif not entry.msgstr or entry.obsolete:
            entry.msgstr = text
            entry.obsolete = False
            filled.append(msgid)
        elif entry.msgstr != text:
            kept.append(msgid)
    return added, filled, kept


def run(i18n_dir: Path = I18N_DIR, *, merge_source: bool = True) -> int:
    modules = sorted(i18n_dir.glob(PATTERN))
    po_path = i18n_dir / "locale" / "ko.po"
    po = polib.pofile(str(po_path), wrapwidth=120) if po_path.exists() else i18n_extract.new_catalogue("ko")
    total_added = 0
    read = [(module, read_dict_module(module)) for module in modules]  # all of them first: a bad one changes nothing
    for module, entries in read:
        added, filled, kept = fold(po, entries)
        total_added += len(added) + len(filled)
        print(f"{module.name}: {len(entries)} entries, {len(added)} added, {len(filled)} filled, "
              f"{len(kept)} kept as ko.po has them")
        for msgid in kept:
            print(f"  kept ko.po's translation of {msgid!r}")
    po_path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(po_path))
    for module in modules:
        module.unlink()
        print(f"deleted {module.relative_to(i18n_dir.parent.parent) if module.is_relative_to(ROOT) else module}")
    print(f"{po_path.name}: {total_added} entries taken from the dict modules")
    if merge_source:
        i18n_extract.update()
        stale = [p for p in (*ROOT.glob("ui/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("tools/*.py"))
                 if p.name not in (Path(__file__).name, "test_i18n_import_dicts.py")
                 and "catalog_ko" in p.read_text(encoding="utf-8")]
        for path in stale:
            print(f"still mentions catalog_ko: {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.i18n_import_dicts", description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    return run()


if __name__ == "__main__":
    sys.exit(main())

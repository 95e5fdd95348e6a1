"""Architecture rules: the core runs without Qt, nothing opens a database with the stdlib sqlite3 module, every package
of intake_app/ imports only the packages below it, and no two packages import each other (directly or round a cycle).

Every import counts: module level, inside functions, under ``TYPE_CHECKING``, and ``importlib.import_module("…")`` or
``__import__("…")`` with a literal name. Each package's ``__init__.py`` docstring states the same rule in one sentence,
``May import: crypto; intake_app's A, B, C.``, which the last test compares with the table here.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.conftest import REPO

BLOCK_QT = """
import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is blocked for this test")
        return None
sys.meta_path.insert(0, _Block())
import pkgutil, importlib
import crypto, intake_app
for pkg in (crypto, intake_app):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
assert not any(m.startswith("PySide6") for m in sys.modules)
print("ok")
"""


def test_core_imports_without_qt() -> None:
    res = subprocess.run([sys.executable, "-c", BLOCK_QT], cwd=REPO, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


# ---- reading imports -------------------------------------------------------------------------------------------------
def imports_of(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module name ``source`` (the text of ``module``) imports, wherever the import statement is, with relative
    imports resolved; ``from pkg import name`` yields both ``pkg`` and ``pkg.name`` (``name`` may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) and _is_dynamic_import(node.func):
            names.add(node.args[0].value)
    return names


def _is_dynamic_import(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id in {"__import__", "import_module"}) or \
        (isinstance(func, ast.Attribute) and func.attr == "import_module")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path, package: str) -> Iterable[tuple[str, str, bool]]:
    """(module name, source, is a package) of every module under ``root/package``."""
    for path in sorted((root / package).rglob("*.py")):
        yield _module_name(path, root), path.read_text(encoding="utf-8"), path.name == "__init__.py"


# ---- crypto and ui: who may not import whom ----------------------------------------------------------------------------
# A module matches every rule prefix it falls under, and every rule of each applies.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "crypto": ("intake_app", "ui", "tools", "bench", "PySide6", "sqlite3"),
    "intake_app": ("ui", "tools", "bench", "PySide6", "sqlite3"),
    "ui": ("tools", "bench", "sqlite3"),
    "ui.common": ("ui.start", "ui.field", "ui.hq", "ui.auditor"),
    "ui.i18n": ("ui.common", "ui.start", "ui.field", "ui.hq", "ui.auditor"),
    "ui.start": ("ui.field", "ui.hq", "ui.auditor"),
    "ui.field": ("ui.hq", "ui.auditor"),
    "ui.hq": ("ui.field",),
    "ui.auditor": ("ui.field", "ui.hq"),
}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """The imports of ``source`` (the text of module ``module``) that the rules forbid: FORBIDDEN above, and for a
    module of intake_app the table of allowed directions below."""
    bad = []
    for imported in sorted(imports_of(source, module, is_package=is_package)):
        for prefix, forbidden in FORBIDDEN.items():
            if _within(module, prefix) and any(_within(imported, f) for f in forbidden):
                bad.append(f"{module} imports {imported} (rule for {prefix})")
                break
        else:
            src, dst = _part_of(module), _part_of(imported)
            if src is not None and dst is not None and src != dst and dst != ROOT and dst not in ALLOWED.get(src, ()):
                bad.append(f"{module} imports {imported}: intake_app.{src} may not import intake_app.{dst}")
    return bad


# ---- intake_app: the packages and the allowed direction between them -------------------------------------------------
# Each part of intake_app/ (a package, or a top-level module) → the other parts it may import (crypto is always
# allowed, Qt and ui never). From the bottom up; a part may import only parts listed before it, so there can be no cycle.
ROOT = "__init__"  # intake_app/__init__.py holds only __version__: anyone may read it
LEAVES = frozenset({"errors", "display", "resources"})  # stdlib-only modules every layer may use
ALLOWED: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "display": frozenset(),
    "resources": frozenset(),
    "collector": frozenset(),
    "csv_cells": frozenset(),
    "vault": frozenset({"errors"}),
    "search": frozenset({"errors", "vault"}),
    "records": LEAVES | {"vault", "search"},
    "recording": LEAVES | {"vault", "search", "records"},
    "consolidation": LEAVES | {"vault", "search", "records"},
    "persons": LEAVES | {"collector", "vault", "search", "records", "consolidation"},
    "perpetrators": LEAVES | {"vault", "search", "records", "consolidation", "persons"},
    "stats": LEAVES | {"csv_cells", "vault", "search", "records", "consolidation", "persons", "perpetrators"},
    "archive": LEAVES | {"vault", "search", "records", "consolidation", "persons", "perpetrators", "stats"},
    "bundles": LEAVES | {"vault", "search", "records"},
    "updates": LEAVES | {"vault", "search", "records", "bundles"},
    "exports": LEAVES | {"collector", "csv_cells", "vault", "search", "records", "bundles", "consolidation", "persons",
                         "perpetrators", "stats", "archive"},
    "wiring": LEAVES | {"vault", "search", "records", "recording", "consolidation", "persons", "perpetrators",
                        "stats", "archive"},
    "cli": LEAVES | {"vault", "search", "records", "recording", "consolidation", "persons", "perpetrators", "stats",
                     "archive", "bundles", "updates", "exports", "wiring"},
    "__main__": frozenset({"cli"}),
}


def _part_of(module: str) -> str | None:
    """The part of intake_app a module belongs to (``intake_app.records.store`` → ``records``), or None outside it."""
    parts = module.split(".")
    if parts[0] != "intake_app":
        return None
    if len(parts) == 1 or parts[1] == "__version__":
        return ROOT
    return parts[1]


def parts_on_disk(root: Path) -> set[str]:
    """The packages (folders with an __init__.py) and top-level modules of ``root/intake_app``."""
    base = root / "intake_app"
    found = {p.parent.name for p in base.glob("*/__init__.py")} | {p.stem for p in base.glob("*.py")}
    return found - {ROOT}


def package_graph(root: Path) -> dict[str, set[str]]:
    """intake_app part → the parts its modules import (every import, anywhere in a module)."""
    graph: dict[str, set[str]] = {part: set() for part in parts_on_disk(root)}
    for module, source, is_package in _modules(root, "intake_app"):
        src = _part_of(module)
        for imported in imports_of(source, module, is_package=is_package):
            dst = _part_of(imported)
            if src not in (None, ROOT) and dst not in (None, ROOT, src):
                graph.setdefault(str(src), set()).add(str(dst))
    return graph


def cycles(graph: dict[str, set[str]], ignore: Iterable[tuple[str, str]] = ()) -> list[list[str]]:
    """The strongly connected groups of more than one part (Tarjan), each sorted: every cycle lies in one."""
    skip = set(ignore)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if (node, nxt) in skip:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def check_tree(root: Path) -> list[str]:
    """Every offence in the tree at ``root`` (holding crypto/, intake_app/, ui/): a part missing from the table, a
    forbidden import, a cycle between intake_app's packages."""
    offences = [f"intake_app.{part} is not in the boundary table" for part in sorted(parts_on_disk(root) - set(ALLOWED))]
    for package in ("crypto", "intake_app", "ui"):
        if (root / package).is_dir():
            for module, source, is_package in _modules(root, package):
                offences += violations(module, source, is_package=is_package)
    offences += [f"cycle between {' and '.join(group)}"
                 for group in cycles(package_graph(root))]
    return offences


# ---- the tests -------------------------------------------------------------------------------------------------------
def test_the_table_names_every_package_of_intake_app_and_lists_only_lower_parts() -> None:
    assert parts_on_disk(REPO) <= set(ALLOWED), parts_on_disk(REPO) - set(ALLOWED)
    assert {"persons", "perpetrators", "stats", "updates", "exports", "consolidation", "search", "recording", "vault",
            "bundles", "records", "cli"} <= set(ALLOWED)
    order = list(ALLOWED)
    for part, allowed in ALLOWED.items():  # the table itself is acyclic: each part names only earlier ones
        assert all(order.index(other) < order.index(part) for other in allowed), part
    assert cycles({part: set(allowed) for part, allowed in ALLOWED.items()}) == []


def test_the_tree_respects_the_boundaries_and_has_no_package_cycle() -> None:
    assert check_tree(REPO) == []


def _copy_tree(dest: Path) -> Path:
    for package in ("crypto", "intake_app"):
        shutil.copytree(REPO / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "*.json", "data"))
    return dest


def test_a_temporary_module_with_a_forbidden_import_inside_a_function_fails_the_check(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path / "tree")
    assert check_tree(tree) == []  # the copy passes as the real tree does
    (tree / "intake_app" / "records" / "report.py").write_text(
        '"""A module that reaches up."""\n\n\ndef counts() -> object:\n'
        "    from intake_app.exports import pipeline\n\n    return pipeline\n", encoding="utf-8")
    offences = check_tree(tree)
    assert "intake_app.records.report imports intake_app.exports.pipeline: intake_app.records may not import " \
           "intake_app.exports" in offences
    assert any(o.startswith("cycle between") and "exports" in o and "records" in o for o in offences), offences


def test_a_temporary_dynamic_import_and_an_unnamed_package_fail_the_check(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path / "tree")
    (tree / "intake_app" / "vault" / "peek.py").write_text(
        'import importlib\n\nSTORE = importlib.import_module("intake_app.records.store")\n', encoding="utf-8")
    (tree / "intake_app" / "newthing").mkdir()
    (tree / "intake_app" / "newthing" / "__init__.py").write_text('"""New."""\n', encoding="utf-8")
    offences = check_tree(tree)
    assert "intake_app.newthing is not in the boundary table" in offences
    assert any(o.startswith("intake_app.vault.peek imports intake_app.records.store") for o in offences), offences


def test_cycles_are_found_round_three_packages() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


@pytest.mark.parametrize(("module", "source"), [
    ("intake_app.records.fake", "from intake_app.bundles.export import export_bundle"),
    ("intake_app.records.fake", "from intake_app import bundles"),
    ("intake_app.records.fake", "def f():\n    from intake_app.exports import pipeline"),
    ("intake_app.records.fake", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from intake_app import cli"),
    ("intake_app.vault.fake", "import intake_app.records.store"),
    ("intake_app.vault.fake", "from ..records import store"),
    ("intake_app.search.fake", "from intake_app.records.interchange import validate"),
    ("intake_app.bundles.fake", "from intake_app.cli.main import run"),
    ("intake_app.persons.fake", "from intake_app.perpetrators.registry import Registry"),
    ("intake_app.perpetrators.fake", "from intake_app.exports import pipeline"),
    ("intake_app.stats.fake", "from intake_app.exports import pipeline"),
    ("intake_app.updates.fake", "from intake_app.exports import pipeline"),
    ("intake_app.consolidation.fake", "from intake_app.persons import registry"),
    ("intake_app.errors", "from intake_app.vault import vault"),
    ("intake_app.exports.fake", "import importlib\nimportlib.import_module('intake_app.cli.main')"),
    ("ui.field.fake", "from ui.hq.devices_page import DevicesPage"),
    ("ui.hq.fake", "from ui.field import export_dialog"),
    ("ui.common.fake", "from ui.start.unlock_screen import UnlockScreen"),
    ("ui.fake", "from tools import demo_bundles"),
    ("intake_app.fake", "from PySide6.QtCore import QObject"),
    ("crypto.fake", "from intake_app.vault.vault import Vault"),
    ("intake_app.records.fake", "import sqlite3"),
])
def test_a_forbidden_import_in_a_synthetic_module_is_caught(module: str, source: str) -> None:
    assert violations(module, source) != []


@pytest.mark.parametrize(("module", "source"), [
    ("intake_app.bundles.fake", "from intake_app.records.store import RecordStore\nfrom intake_app.vault import audit"),
    ("intake_app.records.fake", "from intake_app.search.index import SearchIndex"),
    ("intake_app.stats.fake", "from intake_app.perpetrators.units import parse_unit"),
    ("intake_app.exports.fake", "from intake_app.persons.registry import person_map"),
    ("intake_app.cli.fake", "from intake_app import __version__"),
    ("ui.hq.fake", "from ui.auditor.auditor_mode import AuditorMode\nfrom ui.common.db_worker import DbWorker"),
    ("ui.field.fake", "from ui.start.hq_pin_page import HqPinPanel"),
    ("intake_app.cli.fake", "from intake_app.bundles.importer import Importer"),
])
def test_an_allowed_import_in_a_synthetic_module_passes(module: str, source: str) -> None:
    assert violations(module, source) == []


MAY_IMPORT = re.compile(r"[Mm]ay import: crypto; intake_app's ([a-z_, ]+)\.")


@pytest.mark.parametrize("part", sorted(p for p in ALLOWED if (REPO / "intake_app" / p / "__init__.py").is_file()))
def test_each_package_docstring_says_what_it_is_and_what_it_may_import(part: str) -> None:
    doc = ast.get_docstring(ast.parse((REPO / "intake_app" / part / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"intake_app/{part}/__init__.py has no docstring"
    found = MAY_IMPORT.search(" ".join(doc.split()))
    assert found, f"intake_app/{part}/__init__.py does not say 'May import: crypto; intake_app's …'"
    named = set(found.group(1).replace(" and ", ", ").replace(",", " ").split())
    assert named == set(ALLOWED[part]), (part, named ^ set(ALLOWED[part]))


def test_no_stdlib_sqlite_and_no_qt_below_ui() -> None:
    offences = []
    for package, forbidden in (("crypto", ("intake_app", "ui", "PySide6")), ("intake_app", ("ui", "PySide6")),
                               ("ui", ())):
        for module, source, is_package in _modules(REPO, package):
            for name in imports_of(source, module, is_package=is_package):
                top = name.split(".")[0]
                if top in forbidden or top == "sqlite3":
                    offences.append(f"{module} imports {name}")
    assert offences == []

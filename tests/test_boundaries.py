"""Architecture rules: the core runs without Qt, nothing opens a database with the stdlib sqlite3 module."""

from __future__ import annotations

import ast
import subprocess
import sys
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


# Who may not import whom. A module matches the longest rule prefix it falls under; every rule of every prefix it falls
# under applies. Each package's __init__.py docstring says the same in words.
CORE_LAYERS = ("intake_app.records", "intake_app.search", "intake_app.bundles", "intake_app.consolidation",
               "intake_app.exports", "intake_app.cli")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "crypto": ("intake_app", "ui", "tools", "PySide6", "sqlite3"),
    "intake_app": ("ui", "tools", "PySide6", "sqlite3"),
    "ui": ("tools", "sqlite3"),
    "intake_app.vault": CORE_LAYERS,
    "intake_app.search": tuple(x for x in CORE_LAYERS if x != "intake_app.search"),
    "intake_app.records": ("intake_app.bundles", "intake_app.consolidation", "intake_app.exports", "intake_app.cli"),
    "intake_app.bundles": ("intake_app.consolidation", "intake_app.exports", "intake_app.cli"),
    "intake_app.consolidation": ("intake_app.bundles", "intake_app.exports", "intake_app.cli"),
    "intake_app.exports": ("intake_app.cli",),
    "intake_app.recording": ("intake_app.bundles", "intake_app.consolidation", "intake_app.exports", "intake_app.cli"),
    "intake_app.errors": ("intake_app.cli",), "intake_app.display": ("intake_app.cli",),
    "intake_app.resources": ("intake_app.cli",),
    "ui.common": ("ui.start", "ui.field", "ui.hq", "ui.auditor"),
    "ui.i18n": ("ui.common", "ui.start", "ui.field", "ui.hq", "ui.auditor"),
    "ui.start": ("ui.field", "ui.hq", "ui.auditor"),
    "ui.field": ("ui.hq", "ui.auditor"),
    "ui.hq": ("ui.field",),
    "ui.auditor": ("ui.field", "ui.hq"),
}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(module: str, source: str) -> list[str]:
    """The imports of ``source`` (the text of module ``module``) that the rules above forbid."""
    bad = []
    for imported in _imports_of(source, module):
        for prefix, forbidden in FORBIDDEN.items():
            if _within(module, prefix) and any(_within(imported, f) for f in forbidden):
                bad.append(f"{module} imports {imported} (rule for {prefix})")
                break
    return bad


def _imports_of(source: str, module: str) -> set[str]:
    tree = ast.parse(source)
    package = module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return names


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_capability_layers_are_respected() -> None:
    offences = []
    for package in ("crypto", "intake_app", "ui"):
        for path in (REPO / package).rglob("*.py"):
            offences += violations(_module_name(path), path.read_text(encoding="utf-8"))
    assert offences == []


@pytest.mark.parametrize(("module", "source"), [
    ("intake_app.records.fake", "from intake_app.bundles.export import export_bundle"),
    ("intake_app.records.fake", "from intake_app import bundles"),
    ("intake_app.vault.fake", "import intake_app.records.store"),
    ("intake_app.vault.fake", "from ..records import store"),
    ("intake_app.search.fake", "from intake_app.records.interchange import validate"),
    ("intake_app.bundles.fake", "from intake_app.cli.main import run"),
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
    ("ui.hq.fake", "from ui.auditor.auditor_mode import AuditorMode\nfrom ui.common.db_worker import DbWorker"),
    ("ui.field.fake", "from ui.start.hq_pin_page import HqPinPanel"),
    ("intake_app.cli.fake", "from intake_app.bundles.importer import Importer"),
])
def test_an_allowed_import_in_a_synthetic_module_passes(module: str, source: str) -> None:
    assert violations(module, source) == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_dependency_direction_and_no_stdlib_sqlite() -> None:
    offences = []
    for package, forbidden in (("crypto", ("intake_app", "ui", "PySide6")), ("intake_app", ("ui", "PySide6")),
                               ("ui", ())):
        for path in (REPO / package).rglob("*.py"):
            for name in _imports(path):
                top = name.split(".")[0]
                if top in forbidden or top == "sqlite3":
                    offences.append(f"{path.relative_to(REPO)} imports {name}")
    assert offences == []

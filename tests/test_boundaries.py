"""Architecture rules: the core runs without Qt, nothing opens a database with the stdlib sqlite3 module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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

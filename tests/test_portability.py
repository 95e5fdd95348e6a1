"""The product runs on Windows too (issue 27): only crypto/fs.py may call what exists on POSIX alone.

Windows CPython lacks os.pwrite, os.pread, os.fchmod, os.getuid, os.statvfs, os.fdatasync, O_NOFOLLOW, O_CLOEXEC and
the modules fcntl, resource and termios; and a raw os.open there is in text mode unless O_BINARY is given, so every
raw open of the product goes through crypto.fs.open_fd / create_private_file. This test reads the source (never imports
it) of crypto, intake_app and ui and fails on any such use outside crypto/fs.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PRODUCT = ("crypto", "intake_app", "ui")
ALLOWED = {Path("crypto/fs.py")}
POSIX_ONLY_OS = frozenset({
    "pwrite", "pread", "pwritev", "preadv", "fchmod", "fchown", "lchown", "chown", "lchmod", "getuid", "geteuid",
    "getgid", "getegid", "getgroups", "setuid", "setgid", "statvfs", "fstatvfs", "fdatasync", "sync", "mkfifo",
    "mknod", "getpgid", "setsid", "setpgrp", "killpg", "fork", "forkpty", "openpty", "posix_fallocate",
    "posix_fadvise", "sched_setaffinity", "sched_getaffinity", "getloadavg", "uname", "nice", "getpriority", "setpriority",
    "O_NOFOLLOW", "O_CLOEXEC", "O_DIRECTORY", "O_SYNC", "O_DSYNC", "O_NOATIME", "O_NONBLOCK", "WNOHANG",
    "open",  # not POSIX-only, but text mode on Windows without O_BINARY: crypto.fs.open_fd adds it
})
POSIX_ONLY_MODULES = frozenset({"fcntl", "resource", "termios", "tty", "pty", "pwd", "grp", "posix", "syslog",
                                "crypt", "spwd", "nis", "readline"})


def _uses(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                and node.attr in POSIX_ONLY_OS:
            found.append((node.lineno, f"os.{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"getattr", "hasattr"} \
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == "os" \
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in POSIX_ONLY_OS:
            found.append((node.lineno, f"getattr(os, {node.args[1].value!r})"))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if a.name.split(".")[0] in POSIX_ONLY_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in POSIX_ONLY_MODULES:
                found.append((node.lineno, f"from {node.module} import"))
            elif node.module == "os":
                found += [(node.lineno, f"from os import {a.name}") for a in node.names if a.name in POSIX_ONLY_OS]
    return found


def _product_files() -> list[Path]:
    return sorted(p.relative_to(REPO) for top in PRODUCT for p in (REPO / top).rglob("*.py"))


def test_no_posix_only_calls_outside_crypto_fs() -> None:
    offences = [f"{path}:{line}: {what}" for path in _product_files() if path not in ALLOWED
                for line, what in _uses(ast.parse((REPO / path).read_text(encoding="utf-8"), str(path)))]
    assert not offences, "POSIX-only calls outside crypto/fs.py (use crypto.fs):\n" + "\n".join(offences)


@pytest.mark.parametrize("snippet", [
    "import os\nos.pwrite(fd, b'', 0)",
    "import os\nos.fchmod(fd, 0o600)",
    "import os\nuid = os.getuid()",
    "import os\nflags = getattr(os, 'O_NOFOLLOW', 0)",
    "import os\nfd = os.open(p, os.O_RDONLY)",
    "import fcntl",
    "from resource import setrlimit",
    "import termios as t",
    "from os import statvfs",
])
def test_the_check_catches(snippet: str) -> None:
    assert _uses(ast.parse(snippet))


def test_the_check_passes_portable_code() -> None:
    assert not _uses(ast.parse("import os\nos.fsync(fd)\nos.replace(a, b)\nos.write(fd, b'')\nfrom crypto import fs"))
    assert Path("crypto/fs.py") in _product_files()  # the scan does see the product

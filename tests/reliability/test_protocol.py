"""The crash-loop line protocol: a line cut by SIGKILL never counts, and a cut ACK leaves its operation in flight."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, missing_tool, require_tools
from tests.reliability.protocol import (
    MAX_LINE,
    emit,
    read_batch_round,
    read_field_round,
    read_import_round,
)

RID = "r" * 64
SHA = "a" * 64


def test_a_cut_ack_passwd_leaves_the_change_in_flight() -> None:
    seen = read_field_round(b"ACK passwd pass-1-0\nTRY passwd pass-1-4\nACK passwd")
    assert seen.passphrase == "pass-1-0"
    assert seen.pending_passphrase == "pass-1-4"  # both the old and the new passphrase are acceptable


def test_a_cut_ack_passwd_whose_words_are_all_there_still_needs_its_newline() -> None:
    seen = read_field_round(b"TRY passwd pass-1-4\nACK passwd pass-1-4")
    assert seen.passphrase is None and seen.pending_passphrase == "pass-1-4"


def test_a_cut_ack_add_is_not_an_acknowledged_add() -> None:
    out = f"TRY add v3-0\nACK add {RID} v3-0\nTRY add v3-1\nACK add {RID[:20]}".encode()
    seen = read_field_round(out)
    assert seen.narratives == {RID: (3, 0)}
    cut_after_record = f"TRY add v3-1\nACK add {RID}".encode()
    assert read_field_round(cut_after_record).narratives == {}


@pytest.mark.parametrize("line", [
    f"ACK edit {RID} v2-7\n", f"ACK attach {RID} {SHA}\n", "ACK passwd pass-2-7\n", f"ACK add {RID} v2-7\n",
])
def test_every_cut_of_every_field_driver_line_counts_as_nothing(line: str) -> None:
    whole = read_field_round(line.encode())
    assert whole.narratives or whole.attachments or whole.passphrase  # the whole line does count
    for cut in range(len(line.encode())):
        seen = read_field_round(line.encode()[:cut])
        assert not seen.narratives and not seen.attachments and seen.passphrase is None, cut


def test_every_cut_of_the_import_drivers_last_line_leaves_the_import_in_flight() -> None:
    first, last = b"TRY import /u/b1.bundle\n", b"ACK import /u/b1.bundle imported\n"
    assert read_import_round(first + last).acknowledged == {"/u/b1.bundle": "imported"}
    for cut in range(len(last)):
        seen = read_import_round(first + last[:cut])
        assert seen.acknowledged == {} and seen.in_flight == "/u/b1.bundle", cut


def test_every_cut_of_the_batch_drivers_last_line_is_dropped() -> None:
    done, last = f"ACK add {RID} 4\n".encode(), f"ACK add {SHA} 5\n".encode()
    for cut in range(len(last)):
        assert read_batch_round(done + last[:cut]) == {RID: 4}, cut
    assert read_batch_round(done + last) == {RID: 4, SHA: 5}


def test_lines_with_the_wrong_field_count_or_broken_utf8_are_ignored() -> None:
    out = b"ACK passwd a b\nACK passwd\nACK passwd \xff\xfe\nACK  passwd x\nnoise\nACK passwd ok\n"
    assert read_field_round(out).passphrase == "ok"


def test_emit_writes_each_line_with_one_write_even_unbuffered(tmp_path: Path) -> None:
    """Under strace, with PYTHONUNBUFFERED=1 as in CI: every protocol line is the whole buffer of one write(2)."""
    require_tools("strace", why="make test installs it as root")
    trace = tmp_path / "trace"
    code = "from tests.reliability.protocol import emit\nfor i in range(50): emit('ACK', 'passwd', f'p-{i}')"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    run = subprocess.run(["strace", "-f", "-qq", "-e", "trace=write", "-e", "write=1", "-s", "600", "-o", str(trace),
                          sys.executable, "-c", code], check=False, cwd=REPO, env=env, capture_output=True)
    if run.returncode != 0 and b"ptrace" in run.stderr:
        missing_tool("strace (ptrace is not permitted here)")
    assert run.returncode == 0, run.stderr
    assert run.stdout == b"".join(f"ACK passwd p-{i}\n".encode() for i in range(50))
    writes = re.findall(r'write\(1, "((?:[^"\\]|\\.)*)"', trace.read_text())
    assert writes == [f"ACK passwd p-{i}\\n" for i in range(50)]


def test_emit_refuses_lines_it_cannot_write_atomically() -> None:
    with pytest.raises(ValueError):
        emit("ACK", "add", "x" * MAX_LINE)
    with pytest.raises(ValueError):
        emit("ACK", "add", "two words")

"""crypto.fs, the portable file layer (issue 27): every helper on real files, on Linux and (make test-windows) under
the Windows CPython in Wine, where the Windows branches run for real."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from crypto import fs

WINDOWS = sys.platform == "win32"
# Every byte a text-mode descriptor on Windows would mangle: \n (becomes \r\n), \r, 0x1A (ends a read), and NUL.
AWKWARD = b"\n\r\n\x1a\x00\r\x1a\n" * 512 + bytes(range(256))


def test_binary_round_trip_keeps_newlines_and_ctrl_z(tmp_path: Path) -> None:
    path = tmp_path / "bin"
    fd = fs.create_private_file(path)
    try:
        fs.write_all(fd, AWKWARD)
    finally:
        os.close(fd)
    assert path.stat().st_size == len(AWKWARD)  # no \n -> \r\n translation on the way in
    fd = fs.open_fd(path, os.O_RDONLY)
    try:
        assert fs.read_at(fd, len(AWKWARD) + 10, 0) == AWKWARD  # and no stop at 0x1A on the way out
    finally:
        os.close(fd)
    assert path.read_bytes() == AWKWARD


@pytest.mark.parametrize("native", [True, False], ids=["pwrite", "seek-and-write"])
def test_write_at_and_read_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool) -> None:
    if not native:  # the Windows code path, also exercised on Linux
        monkeypatch.delattr(os, "pwrite", raising=False)
        monkeypatch.delattr(os, "pread", raising=False)
    elif not hasattr(os, "pwrite"):
        pytest.skip("this platform has no os.pwrite")
    path = tmp_path / "f"
    path.write_bytes(b"a" * 100)
    fd = fs.open_fd(path, os.O_RDWR)
    try:
        assert fs.write_at(fd, b"\n\x1a\r", 10) == 3
        assert fs.write_at(fd, b"tail", 98) == 4  # extends the file
        assert fs.read_at(fd, 5, 9) == b"a\n\x1a\ra"
        assert fs.read_at(fd, 100, 98) == b"tail"  # short only at the end of the file
    finally:
        os.close(fd)
    assert path.read_bytes() == b"a" * 10 + b"\n\x1a\r" + b"a" * 85 + b"tail"


def test_overwrite_in_place_keeps_size_and_replaces_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    secret = b"\x1a\n" + b"S" * 3000
    path.write_bytes(secret)
    fs.overwrite_in_place(path, step=1000)  # several steps, through write_at
    after = path.read_bytes()
    assert len(after) == len(secret)
    assert after != secret and after.count(b"S") < 100


def test_zero_in_place(tmp_path: Path) -> None:
    path = tmp_path / "wal"
    path.write_bytes(b"\xff" * 2500)
    assert fs.zero_in_place(path, step=1024) == 2500
    assert path.read_bytes() == bytes(2500)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert fs.zero_in_place(empty) == 0


def test_fsync_dir(tmp_path: Path) -> None:
    fs.fsync_dir(tmp_path)  # POSIX: opens and fsyncs; Windows: must not try (os.open of a folder is PermissionError)
    if WINDOWS:
        with pytest.raises(PermissionError):
            os.open(tmp_path, os.O_RDONLY)


def test_fdatasync(tmp_path: Path) -> None:
    fd = fs.create_private_file(tmp_path / "x")
    try:
        fs.write_all(fd, b"data")
        fs.fdatasync(fd)
    finally:
        os.close(fd)


def test_create_private_file_refuses_an_existing_name_and_a_symlink(tmp_path: Path) -> None:
    existing = tmp_path / "exists"
    existing.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        fs.create_private_file(existing)
    assert existing.read_bytes() == b"keep"
    if not WINDOWS:
        link = tmp_path / "link"
        link.symlink_to(tmp_path / "target")
        with pytest.raises(FileExistsError):
            fs.create_private_file(link)
        assert not (tmp_path / "target").exists()


@pytest.mark.skipif(WINDOWS, reason="POSIX permission bits")
def test_private_modes_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        fd = fs.create_private_file(tmp_path / "f")
        os.close(fd)
        fs.make_private_dir(tmp_path / "d" / "e")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "d" / "e").stat().st_mode) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    assert not fs.is_private(loose)
    fs.make_private_dir(loose)  # an existing folder is tightened
    assert fs.is_private(loose) and stat.S_IMODE(loose.stat().st_mode) == 0o700


def test_make_private_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises((NotADirectoryError, FileExistsError)):
        fs.make_private_dir(tmp_path / "file")


def test_set_private_refuses_a_symlink(tmp_path: Path) -> None:
    if WINDOWS:
        pytest.skip("symbolic links need a privilege on Windows")
    target = tmp_path / "target"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(OSError, match="symbolic link"):
        fs.set_private(tmp_path / "link")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_owner_only_sddl() -> None:
    sid = "S-1-5-21-1-2-3-1001"
    assert fs.owner_only_sddl(sid, directory=True) == f"D:P(A;OICI;FA;;;{sid})"
    assert fs.owner_only_sddl(sid, directory=False) == f"D:P(A;;FA;;;{sid})"
    for bad in ("", "WD", "S-1-5-21-1)(A;;FA;;;WD", "S-1-1-0;"):
        with pytest.raises(ValueError, match="SID"):
            fs.owner_only_sddl(bad, directory=True)


def test_sddl_is_owner_only() -> None:
    me, other = "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-1002"
    assert fs.sddl_is_owner_only(f"D:P(A;OICI;FA;;;{me})", me)
    assert fs.sddl_is_owner_only(f"D:AI(A;ID;FA;;;{me})", me)  # a file inheriting its private folder's entry
    assert fs.sddl_is_owner_only(f"D:P(D;;FA;;;{other})(A;;FA;;;{me})", me)  # deny entries take nothing away
    assert not fs.sddl_is_owner_only(f"D:P(A;;FA;;;{me})(A;;FR;;;{other})", me)
    assert fs.sddl_is_owner_only(f"D:(A;OICI;FA;;;SY)(A;OICI;FA;;;{me})", me)  # the OS itself (what Wine reports)
    assert not fs.sddl_is_owner_only(f"D:P(A;;FA;;;{me})(A;;FA;;;BA)", me)  # Administrators
    assert not fs.sddl_is_owner_only("D:P(A;;FA;;;WD)", me)  # Everyone
    assert not fs.sddl_is_owner_only("D:P", me)  # an empty DACL: nobody, not even the owner
    assert not fs.sddl_is_owner_only("", me)  # no DACL at all: everyone


def _under_wine() -> bool:
    import ctypes

    return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")  # type: ignore[attr-defined]


@pytest.mark.skipif(not WINDOWS, reason="Windows ACLs (make test-windows runs this under Wine)")
def test_windows_private_folder_and_file_have_an_owner_only_acl(tmp_path: Path) -> None:
    sid = fs.user_id()
    assert sid.startswith("S-1-5-")
    folder = tmp_path / "vault"
    folder.mkdir()
    assert not fs.is_private(folder), fs.win_dacl_sddl(str(folder))  # a new folder lets others in (Everyone, Users)
    fs.make_private_dir(folder)
    sddl = fs.win_dacl_sddl(str(folder))
    assert fs.is_private(folder), sddl
    assert f"(A;OICI;FA;;;{sid})" in sddl and ";;;WD)" not in sddl and ";;;BU)" not in sddl
    fd = fs.create_private_file(folder / "keyslots.json")
    os.close(fd)
    assert fs.is_private(folder / "keyslots.json"), fs.win_dacl_sddl(str(folder / "keyslots.json"))
    loose = tmp_path / "loose.bin"
    loose.write_bytes(b"x")
    fs.set_private(loose)
    assert fs.is_private(loose)
    if not _under_wine():  # real Windows keeps the descriptor itself: protected, the user's entry only
        assert sddl.startswith("D:P") and sddl.count("(") == 1, sddl
        (folder / "later.db").write_bytes(b"x")  # made by another library: inherits the folder's entry
        assert fs.is_private(folder / "later.db")


def test_lock_exclusive_excludes_a_second_holder(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    path.write_bytes(AWKWARD)
    first = fs.open_fd(path, os.O_RDWR)
    second = fs.open_fd(path, os.O_RDONLY)
    try:
        assert fs.lock_exclusive(first, wait=False)
        assert not fs.lock_exclusive(second, wait=False)
        assert fs.read_at(second, len(AWKWARD), 0) == AWKWARD  # the data bytes stay readable while locked
        os.close(first)
        first = -1
        assert fs.lock_exclusive(second, wait=False)  # closing the holder released it
    finally:
        for fd in (first, second):
            if fd >= 0:
                os.close(fd)


def test_user_id() -> None:
    uid = fs.user_id()
    assert uid == (uid if WINDOWS else str(os.getuid()))  # a test, not product code
    assert uid


def test_is_terminal_tells_a_terminal_from_a_pipe_a_file_and_nothing(tmp_path: Path) -> None:
    """The CLI asks for a secret only on a terminal (crypto.fs.is_terminal); on Windows ``< NUL`` also looks like a
    tty to isatty, which the console-mode check there rules out (run under Wine by make test-windows: stdin is NUL)."""
    assert not fs.is_terminal(None)
    with (tmp_path / "f").open("w") as fh:
        assert not fs.is_terminal(fh)
    read_end, write_end = os.pipe()
    try:
        with os.fdopen(read_end, "rb", closefd=False) as pipe:
            assert not fs.is_terminal(pipe)
    finally:
        os.close(read_end)
        os.close(write_end)
    if fs.IS_WINDOWS:
        with open(os.devnull, "rb") as nul:
            assert not fs.is_terminal(nul)
    else:
        leader, follower = os.openpty()
        try:
            with os.fdopen(follower, "rb", closefd=False) as tty:
                assert fs.is_terminal(tty)
        finally:
            os.close(leader)
            os.close(follower)


def test_usable_cpus_follows_the_affinity_and_falls_back_to_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert fs.usable_cpus() == 1  # pinned to one core: no helper thread would run beside the caller
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # Windows, macOS
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert fs.usable_cpus() == 6


def test_start_writeback_is_only_advice(tmp_path: Path) -> None:
    """Starting writeback early changes nothing a reader sees, and never raises (the fsync after it reports errors)."""
    path = tmp_path / "f"
    data = os.urandom(3 << 20)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        fs.start_writeback(fd, 0, len(data))
        fs.start_writeback(fd, len(data), 0)  # an empty range: nothing to do
        os.fsync(fd)
    finally:
        os.close(fd)
    assert path.read_bytes() == data
    fs.start_writeback(fd, 0, 1 << 20)  # a closed descriptor: ignored

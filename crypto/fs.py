"""The one place that knows how the operating system's file calls differ (issue 27): Linux, macOS and Windows.

Every other module of the product (crypto, intake_app, ui) calls these helpers instead of a POSIX-only ``os`` function
or module; tests/test_portability.py fails the build if one does. What differs, and what each helper does about it:

- **Binary I/O.** A raw ``os.open`` on Windows is in *text mode* unless ``O_BINARY`` is given: a write turns ``\\n``
  into ``\\r\\n`` and a read stops at the first 0x1A byte. :func:`open_fd` always adds ``O_BINARY`` (and, where they
  exist, ``O_NOFOLLOW``/``O_CLOEXEC``; on Windows ``O_NOINHERIT``, its close-on-exec).
- **Writing at an offset.** ``os.pwrite``/``os.pread`` do not exist on Windows before Python 3.13. :func:`write_at` and
  :func:`read_at` seek and write there; callers never share such a descriptor between threads.
- **Directory fsync.** POSIX makes a rename or an unlink durable by fsyncing the folder. Windows cannot open a folder
  with ``os.open`` (``PermissionError``) and NTFS journals its metadata itself, so :func:`fsync_dir` does nothing there.
- **Private files and folders.** POSIX: mode 0600/0700 whatever the umask (``os.fchmod`` does not exist on Windows).
  Windows: a *protected* DACL that grants full control to the current user's SID and nobody else (no inherited
  ACEs, no Administrators, no SYSTEM), set through advapi32 with ctypes; what that does and does not protect is in
  docs/packaging.md ("Privacy and erase on Windows"). Wine keeps no DACL, only the Unix mode it maps one to (owner
  only, plus the SYSTEM entry it reports for every file), which is what make test-windows can check.
- **Locks.** ``fcntl.flock`` (POSIX) or a one-byte ``msvcrt.locking`` lock far past the end of the file (Windows byte
  range locks are mandatory, so the data bytes themselves are never locked).
- **Process hygiene.** No core dumps (``resource``, POSIX only); the umask (meaningless on Windows, harmless).

``replace_secret_file`` and the other crash-safe replacements are in :mod:`crypto.atomic_file`, built on these.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

IS_WINDOWS: Final = sys.platform == "win32"
O_BINARY: Final[int] = getattr(os, "O_BINARY", 0)
O_NOFOLLOW: Final[int] = getattr(os, "O_NOFOLLOW", 0)
O_CLOEXEC: Final[int] = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0)
FILE_MODE: Final = 0o600
DIR_MODE: Final = 0o700
# Windows: the lock byte of :func:`lock_exclusive`, far past any real file's end (locks beyond EOF are allowed).
_LOCK_OFFSET: Final = 1 << 40  # 1 TiB: lseek refuses offsets past the host file system's largest file (Wine)


# ---- opening --------------------------------------------------------------------------------------------------------

def open_fd(path: str | os.PathLike[str], flags: int, mode: int = FILE_MODE, *, follow: bool = False) -> int:
    """``os.open`` for binary data: always O_BINARY and close-on-exec; never follows a final symlink unless ``follow``."""
    flags |= O_BINARY | O_CLOEXEC
    if not follow:
        flags |= O_NOFOLLOW
    return os.open(path, flags, mode)


def create_private_file(path: str | os.PathLike[str], *, append: bool = False) -> int:
    """Create ``path`` exclusively for writing, private to the user whatever the umask; return the descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | (os.O_APPEND if append else 0)
    fd = open_fd(path, flags, FILE_MODE)
    try:
        if IS_WINDOWS:
            _win_set_owner_only(os.fspath(path), directory=False)
        else:
            os.fchmod(fd, FILE_MODE)  # a umask can only remove bits; an odd one could have removed ours
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            Path(path).unlink()
        raise
    return fd


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """Write every byte (``os.write`` may write fewer than asked)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError("the disk accepted no data")
        view = view[n:]


def write_at(fd: int, data: bytes | bytearray | memoryview, offset: int) -> int:
    """Write all of ``data`` at ``offset`` (``os.pwrite`` where it exists); return the number of bytes written.

    Without pwrite (Windows) this moves the descriptor's position: never share such a descriptor between threads."""
    view = memoryview(data)
    total = 0
    pwrite = getattr(os, "pwrite", None)
    if pwrite is None:
        os.lseek(fd, offset, os.SEEK_SET)
    while view:
        n = pwrite(fd, view, offset + total) if pwrite is not None else os.write(fd, view)
        if n <= 0:
            raise OSError("the disk accepted no data")
        total += n
        view = view[n:]
    return total


def read_at(fd: int, size: int, offset: int) -> bytes:
    """Read up to ``size`` bytes at ``offset`` (fewer only at the end of the file); same caveat as :func:`write_at`."""
    pread = getattr(os, "pread", None)
    chunks: list[bytes] = []
    if pread is None:
        os.lseek(fd, offset, os.SEEK_SET)
    while size > 0:
        piece = pread(fd, size, offset) if pread is not None else os.read(fd, size)
        if not piece:
            break
        chunks.append(piece)
        size -= len(piece)
        offset += len(piece)
    return b"".join(chunks)


def usable_cpus() -> int:
    """How many cores this process may run on: its CPU affinity where the system has one (Linux), else the machine's
    count (Windows, macOS)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return len(affinity(0))
    return os.cpu_count() or 1


# ---- durability -----------------------------------------------------------------------------------------------------

def fsync_dir(directory: str | os.PathLike[str]) -> None:
    """Make a rename, creation or unlink in ``directory`` durable. Nothing to do (and nothing possible) on Windows."""
    if IS_WINDOWS:
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing ``length`` bytes of ``fd`` from ``offset`` to disk now, without waiting.

    A later fsync then finds most of the file already written, so the disk works while the caller computes instead
    of after it (the import of a 200 MB bundle waited 0.15-0.4 s in its final fsyncs). Durability is unchanged: only
    fsync promises anything. On Linux this is ``posix_fadvise(POSIX_FADV_DONTNEED)``, which starts writeback of the
    dirty pages in the range and drops the clean ones from the page cache (the ciphertext just written is not read
    back); elsewhere a no-op. Errors are ignored: it is advice, and the fsync that follows reports real ones.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None or length <= 0:
        return
    with contextlib.suppress(OSError):
        advise(fd, offset, length, os.POSIX_FADV_DONTNEED)


def fdatasync(fd: int) -> None:
    """``os.fdatasync`` where it exists (Linux), ``os.fsync`` elsewhere (Windows: FlushFileBuffers)."""
    getattr(os, "fdatasync", os.fsync)(fd)


def overwrite_in_place(path: str | os.PathLike[str], *, step: int = 1 << 20) -> None:
    """Overwrite a file's bytes in place with random data of the same length and fsync (the file keeps its name).

    In ``step`` pieces, so a large file costs no more memory. What this does and does not destroy on flash storage,
    copy-on-write file systems and NTFS is in docs/security.md and docs/packaging.md."""
    fd = open_fd(path, os.O_WRONLY)
    try:
        size = max(os.fstat(fd).st_size, 1)
        offset = 0
        while offset < size:
            offset += write_at(fd, secrets.token_bytes(min(step, size - offset)), offset)
        os.fsync(fd)
    finally:
        os.close(fd)


def zero_in_place(path: str | os.PathLike[str], *, step: int = 1 << 20) -> int:
    """Overwrite a file's bytes in place with zeros and fsync; return its size (0 if it is empty)."""
    fd = open_fd(path, os.O_WRONLY)
    try:
        size = os.fstat(fd).st_size
        zeros = bytes(min(step, max(size, 1)))
        offset = 0
        while offset < size:
            offset += write_at(fd, zeros[: min(len(zeros), size - offset)], offset)
        os.fsync(fd)
    finally:
        os.close(fd)
    return size


# ---- privacy --------------------------------------------------------------------------------------------------------

def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) private to the user; an existing folder is made private.

    POSIX: mode 0700. Windows: an owner-only protected DACL (children created later inherit it)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a folder")
    set_private(path)


def set_private(path: Path) -> None:
    """Make an existing file (0600) or folder (0700) private to the user; on Windows an owner-only protected DACL."""
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode):
        raise OSError(f"{path} is a symbolic link; refusing to change what it points to")
    directory = stat.S_ISDIR(st.st_mode)
    if IS_WINDOWS:
        _win_set_owner_only(str(path), directory=directory)
        return
    wanted = DIR_MODE if directory else FILE_MODE
    if stat.S_IMODE(st.st_mode) != wanted:
        path.chmod(wanted)


def is_private(path: Path) -> bool:
    """Whether only the user can reach ``path``: POSIX, no group or other permission bits; Windows, a protected DACL
    whose every access-allowed entry names the current user's SID."""
    if IS_WINDOWS:
        return _win_is_owner_only(str(path))
    return stat.S_IMODE(path.lstat().st_mode) & 0o077 == 0


# ---- locks and process ----------------------------------------------------------------------------------------------

def lock_exclusive(fd: int, *, wait: bool) -> bool:
    """Take an exclusive lock tied to ``fd`` (released when it is closed, also by a kill); False if ``wait`` is False
    and another process holds it."""
    if IS_WINDOWS:
        import msvcrt  # noqa: PLC0415 - Windows only

        position = os.lseek(fd, 0, os.SEEK_CUR)
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
                    return True
                except OSError:
                    if not wait:
                        return False
                    import time  # noqa: PLC0415

                    time.sleep(0.05)
        finally:
            os.lseek(fd, position, os.SEEK_SET)
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def disable_core_dumps() -> None:
    """No core dump may spill memory (keys, testimony) to disk. POSIX: RLIMIT_CORE 0. Windows writes none by default
    (Windows Error Reporting's LocalDumps is off unless an administrator turned it on; docs/packaging.md)."""
    if IS_WINDOWS:
        return
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource  # noqa: PLC0415 - POSIX only

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is an interactive terminal a person can type a secret into. On Windows ``isatty`` is also true
    for the NUL device (``< NUL``: a character device), so a real console is told by GetConsoleMode succeeding on the
    stream's handle; elsewhere ``isatty``."""
    if stream is None or not stream.isatty():
        return False
    if not IS_WINDOWS:
        return True
    import ctypes  # noqa: PLC0415 - Windows only
    import msvcrt  # noqa: PLC0415 - Windows only
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.GetConsoleMode.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
    mode = wintypes.DWORD()
    try:
        handle = msvcrt.get_osfhandle(stream.fileno())  # type: ignore[attr-defined]
    except (OSError, ValueError):
        return False
    return bool(kernel32.GetConsoleMode(handle, ctypes.byref(mode)))


def user_id() -> str:
    """Who the current user is, for messages and checks: the uid on POSIX, the SID on Windows."""
    if IS_WINDOWS:
        return _win_user_sid()
    return str(os.getuid())


# ---- Windows security descriptors (ctypes; advapi32) ----------------------------------------------------------------

def _win_api() -> tuple[Any, Any, Any, Any]:
    import ctypes  # noqa: PLC0415
    from ctypes import wintypes  # noqa: PLC0415

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.POINTER(wintypes.HANDLE)]
    advapi32.GetTokenInformation.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD,
                                             ctypes.POINTER(wintypes.DWORD)]
    advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.POINTER(wintypes.LPWSTR)]
    advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW.argtypes = [
        wintypes.LPCWSTR, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(wintypes.ULONG)]
    advapi32.GetSecurityDescriptorDacl.argtypes = [ctypes.c_void_p, ctypes.POINTER(wintypes.BOOL),
                                                   ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(wintypes.BOOL)]
    advapi32.SetNamedSecurityInfoW.argtypes = [wintypes.LPWSTR, ctypes.c_int, wintypes.DWORD, ctypes.c_void_p,
                                               ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    advapi32.SetNamedSecurityInfoW.restype = wintypes.DWORD
    advapi32.GetNamedSecurityInfoW.argtypes = [wintypes.LPCWSTR, ctypes.c_int, wintypes.DWORD,
                                               ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                               ctypes.POINTER(ctypes.c_void_p)]
    advapi32.GetNamedSecurityInfoW.restype = wintypes.DWORD
    advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW.argtypes = [
        ctypes.c_void_p, wintypes.DWORD, wintypes.DWORD, ctypes.POINTER(wintypes.LPWSTR),
        ctypes.POINTER(wintypes.ULONG)]
    advapi32.SetFileSecurityW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.c_void_p]
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    return ctypes, wintypes, advapi32, kernel32


_SE_FILE_OBJECT: Final = 1
_DACL_SECURITY_INFORMATION: Final = 0x4
_PROTECTED_DACL_SECURITY_INFORMATION: Final = 0x80000000
_TOKEN_QUERY: Final = 0x8
_TOKEN_USER: Final = 1
_SDDL_REVISION_1: Final = 1


def _win_local_string(convert: Callable[[Any], int]) -> str:
    """Call a Win32 conversion that writes a LocalAlloc'd wide string to its last argument (given as ``out``), copy
    the string and free Windows' copy."""
    ctypes, wintypes, _, kernel32 = _win_api()
    text = wintypes.LPWSTR()
    if not convert(ctypes.byref(text)):
        raise ctypes.WinError(ctypes.get_last_error())
    try:
        return str(text.value)
    finally:
        kernel32.LocalFree(text)


def _win_user_sid() -> str:
    ctypes, wintypes, advapi32, kernel32 = _win_api()
    token = wintypes.HANDLE()
    if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), _TOKEN_QUERY, ctypes.byref(token)):
        raise ctypes.WinError(ctypes.get_last_error())
    try:
        needed = wintypes.DWORD()
        advapi32.GetTokenInformation(token, _TOKEN_USER, None, 0, ctypes.byref(needed))
        buf = ctypes.create_string_buffer(needed.value)
        if not advapi32.GetTokenInformation(token, _TOKEN_USER, buf, needed, ctypes.byref(needed)):
            raise ctypes.WinError(ctypes.get_last_error())
        sid_ptr = ctypes.c_void_p.from_buffer(buf).value  # TOKEN_USER starts with SID_AND_ATTRIBUTES.Sid
        return _win_local_string(lambda out: advapi32.ConvertSidToStringSidW(sid_ptr, out))
    finally:
        kernel32.CloseHandle(token)


def owner_only_sddl(sid: str, *, directory: bool) -> str:
    """The security descriptor (SDDL) of a private file or folder: a protected DACL (``P``: nothing inherited from the
    parent) with one entry, full control (``FA``) for ``sid``; a folder's entry is inherited by what it will contain
    (``OICI``)."""
    if not sid.startswith("S-1-") or not all(part.isdigit() for part in sid[4:].split("-")):
        raise ValueError(f"not a SID: {sid!r}")
    return f"D:P(A;{'OICI' if directory else ''};FA;;;{sid})"


def _win_set_owner_only(path: str, *, directory: bool) -> None:
    ctypes, wintypes, advapi32, kernel32 = _win_api()
    sd = ctypes.c_void_p()
    sddl = owner_only_sddl(_win_user_sid(), directory=directory)
    if not advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, _SDDL_REVISION_1, ctypes.byref(sd),
                                                                         None):
        raise ctypes.WinError(ctypes.get_last_error())
    try:
        present, defaulted, dacl = wintypes.BOOL(), wintypes.BOOL(), ctypes.c_void_p()
        if not advapi32.GetSecurityDescriptorDacl(sd, ctypes.byref(present), ctypes.byref(dacl),
                                                  ctypes.byref(defaulted)):
            raise ctypes.WinError(ctypes.get_last_error())
        what = _DACL_SECURITY_INFORMATION | _PROTECTED_DACL_SECURITY_INFORMATION
        # SetNamedSecurityInfoW also re-applies the inheritable entry to what a folder already holds (Windows). Wine
        # 8.0 answers it with success and changes nothing; SetFileSecurityW, which it maps to the Unix mode, is then
        # what takes effect there. On Windows the second call sets the same descriptor again.
        err = advapi32.SetNamedSecurityInfoW(path, _SE_FILE_OBJECT, what, None, None, dacl, None)
        if err:
            raise ctypes.WinError(err)
        if not advapi32.SetFileSecurityW(path, what, sd):
            raise ctypes.WinError(ctypes.get_last_error())
    finally:
        kernel32.LocalFree(sd)


def win_dacl_sddl(path: str) -> str:
    """Windows only: the DACL of ``path`` as SDDL (``D:P(A;...)``), for checks and tests."""
    ctypes, _, advapi32, kernel32 = _win_api()
    sd = ctypes.c_void_p()
    err = advapi32.GetNamedSecurityInfoW(path, _SE_FILE_OBJECT, _DACL_SECURITY_INFORMATION, None, None, None, None,
                                         ctypes.byref(sd))
    if err:
        raise ctypes.WinError(err)
    try:
        return _win_local_string(lambda out: advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW(
            sd, _SDDL_REVISION_1, _DACL_SECURITY_INFORMATION, out, None))
    finally:
        kernel32.LocalFree(sd)


def sddl_is_owner_only(sddl: str, sid: str) -> bool:
    """Whether a DACL in SDDL has entries and every access-allowed one is for ``sid`` or for the operating system
    itself (``SY``, LocalSystem: it, and any administrator, can read every file anyway; Wine lists it for every file).
    Deny entries take nothing away. A file inside a private folder passes with the folder's inherited entry (``ID``);
    :func:`set_private` also protects it."""
    if not sddl.startswith("D:"):
        return False
    aces = [ace.split(";") for ace in sddl[sddl.index("(") + 1: -1].split(")(")] if "(" in sddl else []
    if not aces:
        return False
    return all(len(ace) == 6 and (ace[0] != "A" or ace[5] in (sid, "SY")) for ace in aces)


def _win_is_owner_only(path: str) -> bool:
    return sddl_is_owner_only(win_dacl_sddl(path), _win_user_sid())

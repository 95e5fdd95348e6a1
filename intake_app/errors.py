"""Errors the core reports to users, with the CLI exit status each maps to.

``RefusedError`` (exit 1): the request was understood and refused on its merits — wrong passphrase, tampered file,
failed verification. ``UsageError`` (exit 2): the request itself is wrong — bad arguments, a missing file, input that
does not parse. Messages are shown to users verbatim, so they must never carry testimony content or secrets.
``read_named_file`` reads a small file the user named (a key or passphrase file), so that its failures are worded
the same way wherever such a file is read.
"""

from pathlib import Path


class IntakeError(Exception):
    exit_code = 1


class RefusedError(IntakeError):
    exit_code = 1


class UsageError(IntakeError):
    exit_code = 2


def read_named_file(path: Path, limit: int, *, name: str, too_large: str) -> bytes:
    """Read a small file the user named (a key file, a passphrase file), at most ``limit`` bytes: a failure to read it
    is ``cannot read {name}: <reason>`` and a longer file is ``too_large``, both UsageErrors."""
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    if len(data) > limit:
        raise UsageError(too_large)
    return data

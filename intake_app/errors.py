"""Errors the core reports to users, with the CLI exit status each maps to.

``RefusedError`` (exit 1): the request was understood and refused on its merits — wrong passphrase, tampered file,
failed verification. ``UsageError`` (exit 2): the request itself is wrong — bad arguments, a missing file, input that
does not parse. Messages are shown to users verbatim, so they must never carry testimony content or secrets.
"""


class IntakeError(Exception):
    exit_code = 1


class RefusedError(IntakeError):
    exit_code = 1


class UsageError(IntakeError):
    exit_code = 2

"""Entry point of the ``intake`` command.

Exit status: 0 done; 1 refused on the merits (wrong passphrase, tampered file, failed verification); 2 usage error (bad
arguments, missing file, input that does not parse). No Python traceback is shown for any error a user can cause; an
unexpected internal error prints its type only (tracebacks could carry content) unless INTAKE_DEBUG=1.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence

from crypto.errors import CryptoError
from intake_app import __version__, wiring
from intake_app.cli import (
    bundle_cmds,
    date_cmds,
    export_cmds,
    import_cmds,
    perpetrator_cmds,
    person_cmds,
    record_cmds,
    stats_cmds,
    update_cmds,
    vault_cmds,
)
from intake_app.cli.context import Context
from intake_app.display import clean_text
from intake_app.errors import IntakeError, UsageError
from intake_app.vault.database import DatabaseError
from intake_app.vault.private_fs import harden_process

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]", argparse.ArgumentParser], None]
REGISTRARS: list[Registrar] = [vault_cmds.register, record_cmds.register, bundle_cmds.register, date_cmds.register,
                               update_cmds.register, person_cmds.register, stats_cmds.register,
                               perpetrator_cmds.register, export_cmds.register, import_cmds.register]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"intake: error: {clean_text(message)}\n")
        raise SystemExit(EXIT_USAGE)


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the command (``intake --json vault info`` = ``intake vault info --json``)."""
    common = _Parser(add_help=False)
    common.add_argument("--vault", metavar="PATH", default=argparse.SUPPRESS,
                        help="vault directory (default: $INTAKE_VAULT, else the per-user data directory)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document")
    common.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                        help="read the passphrase from FILE (else $INTAKE_PASSPHRASE, else a prompt)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = _Parser(prog="intake", description="Testimony Intake: encrypted testimony vaults and bundles.",
                     parents=[common])
    parser.add_argument("--version", action="version", version=f"intake {__version__}")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for register in REGISTRARS:
        register(sub, common)
    return parser


def _check_environment() -> None:
    profile = os.environ.get("INTAKE_KDF_PROFILE", "")
    if profile not in ("", "default", "fast"):
        raise UsageError(f"INTAKE_KDF_PROFILE must be 'fast' or 'default', not {profile!r}")


def utf8_streams() -> None:
    """Write UTF-8 to stdout and stderr whatever the locale or the Windows console code page (issue 27, W4).

    Without this, a Windows console on cp949 or cp1252 gets Hangul in a legacy encoding, or a UnicodeEncodeError when
    the output is a pipe; the frozen programs also run in Python's UTF-8 mode (packaging/testimony-intake.spec), this
    covers ``python -m intake_app`` and the ``intake`` console script. A Windows console itself is written in UTF-16
    by Python whatever the encoding set here. Stderr never fails on a character: it is how errors are told."""
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        if isinstance(stream, io.TextIOWrapper) and (stream.encoding.lower().replace("-", "") != "utf8"
                                                     or stream.errors != errors):
            stream.reconfigure(encoding="utf-8", errors=errors)


def main(argv: Sequence[str] | None = None) -> int:
    utf8_streams()
    harden_process()
    wiring.install()
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(args)
    ctx.take_env_secrets()
    try:
        _check_environment()
        vault_cmds.kdf_warning(ctx)
        code: int = args.func(ctx)
    except IntakeError as exc:
        sys.stderr.write(f"intake: {'error' if exc.exit_code == EXIT_USAGE else 'refused'}: {clean_text(str(exc))}\n")
        return exc.exit_code
    except CryptoError as exc:
        sys.stderr.write(f"intake: refused: {clean_text(str(exc))}\n")
        return EXIT_REFUSED
    except DatabaseError as exc:
        # SQLite reports a full disk or an unreadable database this way; the transaction was rolled back.
        full = "full" in str(exc).lower()
        sys.stderr.write("intake: refused: " + ("the disk holding the vault is full; nothing was changed\n" if full
                         else f"the vault database could not be used ({clean_text(str(exc))})\n"))
        return EXIT_REFUSED
    except KeyboardInterrupt:
        sys.stderr.write("intake: interrupted\n")
        return 130
    except OSError as exc:
        # File-system trouble (disk full, permission denied) is reported without a traceback; the operation that hit
        # it has already rolled back.
        sys.stderr.write(f"intake: error: {clean_text(exc.strerror or type(exc).__name__)}"
                         f"{(': ' + clean_text(str(exc.filename))) if exc.filename else ''}\n")
        return EXIT_REFUSED
    except Exception as exc:
        if os.environ.get("INTAKE_DEBUG") == "1":
            raise
        sys.stderr.write(f"intake: internal error ({type(exc).__name__}); rerun with INTAKE_DEBUG=1 for details\n")
        return EXIT_INTERNAL
    return code


def run() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    run()

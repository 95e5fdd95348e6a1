"""Reading and writing update files: a two-member ustar archive in the bundle code's canonical form."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from pathlib import Path

from crypto import fs
from crypto.atomic_file import fsync_dir
from crypto.errors import MalformedError
from intake_app.bundles.ustar import TarReader, TarWriter
from intake_app.errors import RefusedError, UsageError
from intake_app.updates import format as uf


def archive_bytes(doc: bytes, signature: str) -> bytes:
    buf = io.BytesIO()
    writer = TarWriter(buf)
    writer.add_bytes(uf.DOC, doc)
    writer.add_bytes(uf.DOC_SIG, signature.encode("utf-8"))
    writer.close()
    return buf.getvalue()


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (which must not exist) durably: hidden temp name, fsync, rename, fsync folder."""
    if path.exists() or path.is_symlink():
        raise RefusedError(f"{path} already exists; choose another folder")
    tmp = path.with_name(f".{path.name}.partial-{secrets.token_hex(6)}")
    fd = fs.create_private_file(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def read_file(path: Path) -> bytes:
    """The whole update file, at most MAX_FILE bytes (one more is refused before anything is parsed)."""
    if not path.is_file():
        raise UsageError(f"no such update file: {path}")
    try:
        with path.open("rb") as fh:
            data = fh.read(uf.MAX_FILE + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > uf.MAX_FILE:
        raise uf.UpdateMalformed("the file is too large to be an HQ update")
    return data


def split_archive(data: bytes) -> tuple[bytes, bytes]:
    """(update.json, update.json.minisig) of an update archive; anything but exactly those two canonical members,
    in that order, followed by the two zero blocks and nothing else, is refused."""
    try:
        reader = TarReader(io.BytesIO(data), max_members=2)
        members = reader.members()
        parts = []
        for name, limit in ((uf.DOC, uf.MAX_DOC), (uf.DOC_SIG, uf.MAX_SIGNATURE)):
            member = next(members, None)
            if member is None or member.name != name:
                raise uf.UpdateMalformed(f"the update file does not have {name} where it belongs")
            parts.append(reader.read_all(limit))
        if next(members, None) is not None:
            raise uf.UpdateMalformed("the update file has more than its two members")
        reader.finish(allow_trailing_zeros=False)
    except uf.UpdateMalformed:
        raise
    except MalformedError as exc:
        raise uf.UpdateMalformed(f"the update file is not a valid archive ({exc})") from None
    # minisign does not sign the first line; it is fixed, so that no byte of an update can change unnoticed.
    if not parts[1].startswith(f"untrusted comment: {uf.DOC_SIG_COMMENT}\n".encode("ascii")):
        raise uf.UpdateMalformed("the update's signature file does not start with its fixed first line")
    if not uf.is_strict_signature(parts[1], uf.DOC_SIG_COMMENT):
        raise uf.UpdateMalformed("the update's signature file is not exactly four lines each ending in LF"
                                 " (a CR, a missing final LF or anything after the fourth line)")
    return parts[0], parts[1]

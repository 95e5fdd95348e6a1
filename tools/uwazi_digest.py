"""Digest of the files of an Uwazi export, to show that a change to the exporter writes the same bytes.

    .venv/bin/python tools/uwazi_digest.py CODE_ROOT CORPUS WORK_DIR [--age]

Exports the whole archive of a ``bench/exports.py`` corpus (``bench/out/cache/exports-N``) to Uwazi with the code
under ``CODE_ROOT`` (this tree, or an exported older commit: ``git archive COMMIT intake_app crypto | tar -x -C DIR``),
on a copy made under ``WORK_DIR`` (removed afterwards), and prints one JSON line: the SHA-256 of each file's plaintext
(an age file is decrypted with the identity made for the run) and the SHA-256 over the sorted (name without ``.age``,
file digest) pairs. Each ZIP file's members are digested too (``members``: ``file/member`` → SHA-256 of the
member's uncompressed bytes, and ``members_digest`` over the sorted pairs), and ``sizes`` gives each file's size
in bytes: two trees that differ only in the ZIP compression level give equal ``members_digest`` lines (and
different ``digest`` lines). The corpus has no reference key until its first export, and a fresh one would change every
``P-`` reference, so the copy is given a fixed one first. Two trees write the same bytes when the two lines are
equal; the CPU seconds printed beside are for information only (one run, no reference).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
import time
import zipfile
from pathlib import Path

FIXED_REFERENCE_KEY = "ab" * 32


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        raise SystemExit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    code, corpus, work = (Path(a).resolve() for a in sys.argv[1:4])
    encrypt = "--age" in sys.argv[4:]
    sys.path.insert(0, str(code))
    os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")
    os.umask(0o077)
    from crypto import age  # noqa: PLC0415
    from intake_app.exports import batched, pipeline, references, sources  # noqa: PLC0415
    from intake_app.exports.base import ExportRequest  # noqa: PLC0415
    from intake_app.vault.database import Transaction  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    work.mkdir(parents=True, exist_ok=True)
    copy, out = work / "uwazi-digest-vault", work / "uwazi-digest-out"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(corpus, copy)
    identity = age.generate_x25519_identity()
    try:
        with Vault.open(copy, "bench passphrase") as vault:
            with Transaction(vault.conn):
                vault.conn.execute("INSERT OR IGNORE INTO vault_meta (key, value) VALUES (?, ?)",
                                   (references.META_KEY, FIXED_REFERENCE_KEY))
            cpu = time.process_time()
            request = ExportRequest(format="uwazi", purpose="publication", mentions=tuple(sources.all_mentions(vault)),
                                    out_dir=out, subject="archive", person_of=batched.linked_persons(vault),
                                    recipients=(identity.recipient,) if encrypt else ())
            pipeline.run_export(vault, request)
            cpu = time.process_time() - cpu
        files, members, sizes = {}, {}, {}
        for path in sorted(out.iterdir()):
            data = path.read_bytes()
            name = path.name
            if encrypt:
                data, name = age.decrypt_bytes(data, [identity]), name.removesuffix(".age")
            files[name] = hashlib.sha256(data).hexdigest()
            sizes[name] = len(data)
            if name.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    for info in zf.infolist():
                        members[f"{name}/{info.filename}"] = hashlib.sha256(zf.read(info)).hexdigest()
            else:
                members[name] = files[name]
        whole = hashlib.sha256("".join(f"{n}\0{d}\n" for n, d in sorted(files.items())).encode()).hexdigest()
        inside = hashlib.sha256("".join(f"{n}\0{d}\n" for n, d in sorted(members.items())).encode()).hexdigest()
        print(json.dumps({"digest": whole, "members_digest": inside, "files": files, "members": members,
                          "sizes": sizes, "cpu_seconds": round(cpu, 3), "encrypted": encrypt}))
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()

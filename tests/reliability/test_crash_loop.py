"""kill -9 at random moments of writes — add, edit, attach, passwd at a field vault; import at HQ — then reopen:
the database passes its integrity check and every change that was acknowledged is there.

Each driver writes ``TRY …`` before an operation and ``ACK …`` after it returned, each line with a single write(2)
(tests/reliability/protocol.py); an operation killed in between may or may not have happened, anything acknowledged
must have, and a line the kill cut short counts as not written. Each kill comes a random moment after the driver
acknowledged a random number of operations (at least one at a field vault), so every round makes progress at any machine
speed and the liveness check at the end holds under load. 30 + 20 kills at the default scale
(``pytest tests/reliability --reliability-scale 10`` for 500)."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from intake_app.bundles.export import export_bundle
from intake_app.bundles.keyring import Keyring, parse_device_key_file, parse_hq_key_file
from intake_app.errors import RefusedError
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.conftest import REPO
from tests.reliability.protocol import order_of, read_field_round, read_import_round

EXAMPLE = REPO / "tests" / "data" / "interchange" / "good" / "example.json"
ACK_TIMEOUT = 600.0  # a driver that acknowledges nothing for this long is stuck, not slow

FIELD_DRIVER = r"""
import io, json, random, sys
from pathlib import Path
from intake_app.records import interchange
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.reliability.protocol import emit
path, passphrase, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
doc = json.loads(Path(sys.argv[4]).read_text(encoding="utf-8")); doc.pop("id", None)
vault = Vault.open(path, passphrase)
store, files = RecordStore(vault), AttachmentStore(vault)
ids = [s["id"] for s in store.summaries()]
for n in range(10**6):
    op = rng.choice(["add", "edit", "edit", "attach", "passwd"] if ids else ["add"])
    if op == "add":
        order = f"v{seed}-{n}"; d = dict(doc, narrative=f"{order} 진술")
        emit("TRY", "add", order)
        rid = store.save(interchange.validate(d)).record_id
        ids.append(rid); emit("ACK", "add", rid, order)
    elif op == "edit":
        rid = rng.choice(ids); d = store.show(rid); order = f"v{seed}-{n}"; d["narrative"] = f"{order} 수정"
        emit("TRY", "edit", rid, order)
        store.save(interchange.validate(d)); emit("ACK", "edit", rid, order)
    elif op == "attach":
        rid = rng.choice(ids); data = rng.randbytes(rng.randint(1, 300_000))
        import hashlib; sha = hashlib.sha256(data).hexdigest()
        emit("TRY", "attach", rid, sha)
        files.attach_stream(rid, io.BytesIO(data), "scan.bin"); emit("ACK", "attach", rid, sha)
    else:
        new = f"pass-{seed}-{n}"
        emit("TRY", "passwd", new)
        vault.change_passphrase(new); emit("ACK", "passwd", new)
"""


def _order(narrative: str) -> tuple[int, int]:
    return order_of(narrative.split(maxsplit=1)[0])


def _run_and_kill(args: list[str], rng: random.Random, *, acks: int, linger: float) -> bytes:
    """Run a driver, wait until it has acknowledged ``acks`` operations (read from its ACK lines, so the kill comes after
    real progress whatever the machine's speed), then kill it with SIGKILL a random moment (up to ``linger`` seconds)
    later, usually in the middle of a later operation. Returns its raw output (bytes: a cut line stays cut)."""
    proc = subprocess.Popen([sys.executable, "-c", *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = bytearray()
    deadline = time.monotonic() + ACK_TIMEOUT
    try:
        while _complete_acks(out) < acks:
            left = deadline - time.monotonic()
            assert left > 0, f"the driver acknowledged {_complete_acks(out)} of {acks} operations in {ACK_TIMEOUT} s"
            ready, _, _ = select.select([proc.stdout], [], [], left)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:  # the driver finished its work (the import driver does) before the kill
                    break
                out += chunk
        time.sleep(rng.uniform(0, linger))
    finally:
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
    return bytes(out + rest)


def _complete_acks(out: bytes | bytearray) -> int:
    return sum(1 for line in bytes(out).split(b"\n")[:-1] if line.startswith(b"ACK "))


def test_kill_during_field_writes(tmp_path: Path, scale: int) -> None:
    path = tmp_path / "field"
    Vault.create(path, "pass-0")[0].lock()
    rng = random.Random(2026)
    passphrases = ["pass-0"]
    narratives: dict[str, tuple[int, int]] = {}
    attachments: set[tuple[str, str]] = set()
    kills = 30 * scale
    for round_no in range(1, kills + 1):
        current = passphrases[-1]
        driver = [FIELD_DRIVER, str(path), current, str(round_no), str(EXAMPLE)]
        seen = read_field_round(_run_and_kill(driver, rng, acks=rng.randint(1, 4), linger=0.5))
        if seen.passphrase is not None:
            passphrases.append(seen.passphrase)
        for rid, order in seen.narratives.items():
            narratives[rid] = max(order, narratives.get(rid, order))
        attachments |= seen.attachments
        pending = seen.pending_passphrase
        vault = _open_either(path, [passphrases[-1]] + ([pending] if pending else []))
        if pending and vault[1] == pending:
            passphrases.append(pending)
        with vault[0] as v:
            assert v.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            store, files = RecordStore(v), AttachmentStore(v)
            for rid, order in narratives.items():
                # The stored narrative is the acknowledged one or a later one whose acknowledgement was cut off.
                assert _order(store.show(rid)["narrative"]) >= order, rid
            for rid, sha in attachments:
                assert sha in {a.sha256 for a in files.list_for(rid)}
                files.verify(sha)
    assert len(narratives) >= 5 and len(passphrases) >= 3, "the drivers should have got work done between kills"


def _open_either(path: Path, candidates: list[str]) -> tuple[Vault, str]:
    for passphrase in candidates:
        try:
            return Vault.open(path, passphrase), passphrase
        except RefusedError:
            continue
    raise AssertionError("neither the acknowledged nor the pending passphrase opens the vault")


IMPORT_DRIVER = r"""
import sys
from pathlib import Path
from intake_app.bundles.importer import Importer
from intake_app.vault.vault import Vault
from tests.reliability.protocol import emit
vault = Vault.open(Path(sys.argv[1]), "hq")
importer = Importer(vault)
for name in sys.argv[2:]:
    emit("TRY", "import", name)
    outcome = importer.import_file(Path(name))
    emit("ACK", "import", name, outcome.status)
"""


def _bundles(tmp_path: Path, count: int) -> tuple[Path, list[Path]]:
    hq_path, field_path, usb = tmp_path / "hq", tmp_path / "field-b", tmp_path / "usb"
    usb.mkdir()
    hq, _ = Vault.create(hq_path, "hq", "hq")
    field, _ = Vault.create(field_path, "f", "field")
    Keyring(field).pin_recipient(parse_hq_key_file(Keyring(hq).export_public()), "HQ")
    Keyring(hq).enrol(parse_device_key_file(Keyring(field).export_public()), "laptop")
    hq.lock()
    store, files = RecordStore(field), AttachmentStore(field)
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc.pop("id")
    rng = random.Random(5)
    bundles = []
    from intake_app.records import interchange

    for i in range(count):
        rid = store.save(interchange.validate(dict(doc, narrative=f"bundle {i}"))).record_id
        import io

        files.attach_stream(rid, io.BytesIO(rng.randbytes(2_000_000)), f"audio-{i}.bin")
        bundles.append(export_bundle(field, usb).path)
    field.lock()
    return hq_path, bundles


def test_kill_during_import(tmp_path: Path, scale: int) -> None:
    hq_path, bundles = _bundles(tmp_path, 4)
    rng = random.Random(11)
    acked: set[str] = set()
    kills = 20 * scale
    for _ in range(kills):
        remaining = [str(b) for b in bundles]
        # 0 acknowledgements: a kill at a random moment from the start (opening the vault, the first import)
        seen = read_import_round(_run_and_kill([IMPORT_DRIVER, str(hq_path), *remaining], rng, acks=rng.randint(0, 2),
                                               linger=1.0))
        for name, status in seen.acknowledged.items():
            assert status in ("imported", "already_imported"), (name, status)
            acked.add(name)
        with Vault.open(hq_path, "hq") as v:
            assert v.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            imported = {str(r[0]) for r in v.conn.execute("SELECT seq FROM bundles")}
            assert {b for b in acked} <= {str(bundles[int(s) - 1]) for s in imported}
            # Atomic: a bundle is there with all its revisions and attachments, or not at all.
            revisions = v.conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
            blobs = v.conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
            assert revisions == len(imported) and blobs == len(imported)
    assert acked, "some imports should have completed between kills"

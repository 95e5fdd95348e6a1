"""The streamed Uwazi export (batches, scratch database, files written as they are made) against the in-memory
rendering over one decision: the same bytes, whatever the batch size; memory-independent checks of all-or-nothing."""

from __future__ import annotations

import copy
import csv
import gc
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from crypto import age
from intake_app.exports import batched, consent, log, pipeline, sources, uwazi, uwazi_stream
from intake_app.exports.base import ExportRequest
from intake_app.persons import registry
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, VICTIM, make_testimony

REPO = Path(__file__).resolve().parents[2]
LEVELS = ("anonymised", "pseudonym", "initials", "full_name")


def _tid(i: int) -> str:
    return f"0190f6b8-7a1c-7d2e-9f00-{i:012d}"


def _victim(vid: str, i: int) -> dict[str, Any]:
    v = copy.deepcopy(VICTIM)
    v["id"] = vid
    v["names"] = [{"hangul": f"김철{chr(0xAC00 + i)}", "roman": f"Kim Chol-{i}"}]
    for a in v["acts"]:
        a["id"] = f"{vid}{a['id']}"
        if "follows" in a:
            a["follows"] = f"{vid}{a['follows']}"
        for p in a["perpetrators"]:
            p["unit"] = f"unit {i % 3}"
            if p.get("identification") == "unit_only":  # one perpetrator seen with two codes, in several batches
                p["identification"] = ("unit_only", "unknown")[i % 2]
    return v


def build_world(path: Path, n: int = 9) -> list[tuple[str, str]]:
    """Testimonies with one or two victims, mixed consent and levels, and persons linked across testimonies (so a
    person's most restrictive level and the scrubbing of co-victims' names both cross batch boundaries)."""
    vault, _ = Vault.create(path, PASSPHRASE, "hq")
    store = RecordStore(vault)
    values = ("granted", "granted", "refused", "granted", "conditional", "granted", "withdrawn")
    for i in range(1, n + 1):
        doc = make_testimony(_tid(i), {"publication": {"value": values[i % len(values)],
                                                       "anonymity": LEVELS[i % 4], "conditions": "call first"}
                                       if values[i % len(values)] == "conditional" else
                                       {"value": values[i % len(values)], "anonymity": LEVELS[i % 4]}})
        doc["victims"] = [_victim("v1", i)] + ([_victim("v2", i + 100)] if i % 2 == 0 else [])
        store.add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    links = [(f"{_tid(1)}/v1", f"{_tid(8)}/v2", f"{_tid(4)}/v1"), (f"{_tid(2)}/v2", f"{_tid(9)}/v1")]
    for group in links:
        registry.link(vault, list(group), reason="same person")
    vault.lock()
    return [(a, b) for a, b, *_ in links]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _memory_render(vault: Vault, mentions: list[str], person_of: dict[str, str], out: Path,
                   accept: bool) -> dict[str, bytes]:
    """The reference: one decision over the whole request, rendered in memory."""
    release = consent.decide(vault, "publication", mentions, person_of=person_of, accept_conditions=accept)
    request = ExportRequest(format="uwazi", purpose="publication", mentions=tuple(mentions), out_dir=out,
                            person_of=person_of, accept_conditions=accept)
    return dict(uwazi.EXPORTER.render(release, request).files)


@pytest.mark.parametrize("batch", [1, 2, 5, 10_000])
def test_streamed_bytes_equal_one_decision_in_memory(tmp_path: Path, batch: int) -> None:
    build_world(tmp_path / "hq")
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        mentions = sources.all_mentions(vault)
        person_of = batched.linked_persons(vault)
        assert len(set(person_of.values())) == 2
        expected = _memory_render(vault, mentions, person_of, tmp_path / "x", accept=True)
        result = pipeline.run_export(vault, ExportRequest(
            format="uwazi", purpose="publication", mentions=tuple(mentions), out_dir=tmp_path / "out",
            person_of=person_of, accept_conditions=True, options={"batch_mentions": batch}))
        summary = consent.decide(vault, "publication", mentions, person_of=person_of, accept_conditions=True).summary()
    assert _files(tmp_path / "out") == expected
    assert result.release.summary() == summary
    assert [m["source"] for m in summary["included"]] == list(range(1, len(summary["included"]) + 1))
    cases = zipfile.ZipFile(tmp_path / "out" / "cases.zip").read("import.csv").decode("utf-8")
    assert "source 1: publication" in cases  # the numbers were put back, not left as production indexes
    perpetrators = list(csv.DictReader(io.StringIO(
        zipfile.ZipFile(tmp_path / "out" / "perpetrators.zip").read("import.csv").decode("utf-8"))))
    # A unit named in several batches: its sources counted over them, its codes joined (the in-memory rows agree).
    joined = [r for r in perpetrators if r["identification__en"].count("|") == 1]
    assert joined and all(int(r["sources"]) > 1 for r in joined)


def test_groups_keep_persons_and_testimonies_together(tmp_path: Path) -> None:
    pairs = build_world(tmp_path / "hq")
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        mentions = sources.all_mentions(vault)
        person_of = batched.linked_persons(vault)
    groups = list(batched.groups(mentions, person_of))
    assert sorted(m for g in groups for m in g) == sorted(mentions)
    where = {m: i for i, g in enumerate(groups) for m in g}
    for a, b in pairs:
        assert where[a] == where[b]
    for m in mentions:  # every victim of a testimony is in its testimony's group
        assert {where[x] for x in mentions if x.split("/")[0] == m.split("/")[0]} == {where[m]}
    assert len(groups) > 3  # unlinked testimonies stay groups of their own


def test_encrypted_stream_decrypts_to_the_plain_bytes(tmp_path: Path) -> None:
    build_world(tmp_path / "hq")
    identity = age.generate_x25519_identity()
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        mentions = tuple(sources.all_mentions(vault))
        plain = pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication", mentions=mentions,
                                                         out_dir=tmp_path / "plain", options={"batch_mentions": 2}))
        sealed = pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication", mentions=mentions,
                                                          out_dir=tmp_path / "sealed", recipients=(identity.recipient,),
                                                          options={"batch_mentions": 2}))
    assert sorted(p.name for p in (tmp_path / "sealed").iterdir()) == sorted(f.name + ".age" for f in plain.files)
    for f, s in zip(plain.files, sealed.files, strict=True):
        data = age.decrypt_bytes(s.path.read_bytes(), [identity])
        assert data == f.path.read_bytes()
        assert s.plaintext_sha256 == f.sha256
    assert not list((tmp_path / "hq").glob(".export-scratch-*"))  # the scratch database is gone


def test_the_collector_is_paused_for_the_whole_export_and_back_after(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The cyclic collector is off while the rows are made and the files written, not only in each batch's decision;
    it is on again after the export, and after a refused one."""
    build_world(tmp_path / "hq")
    seen: list[bool] = []
    for name in ("add", "write"):
        inner = getattr(uwazi_stream.UwaziStream, name)

        def spy(self: Any, *args: Any, _inner: Any = inner) -> Any:
            seen.append(gc.isenabled())
            return _inner(self, *args)

        monkeypatch.setattr(uwazi_stream.UwaziStream, name, spy)
    assert gc.isenabled()
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        mentions = tuple(sources.all_mentions(vault))
        gc.collect()
        pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication", mentions=mentions,
                                                 out_dir=tmp_path / "out", options={"batch_mentions": 2}))
        assert len(seen) > 3 and not any(seen)
        assert gc.isenabled()
        # What the collector finds after an export does not grow with the batches: the export makes no cycle per
        # batch (or per row) that would pile up while the collector is paused.
        found = []
        gc.disable()
        try:
            gc.collect()
            for i, batch in enumerate((1, 2, 10_000)):
                pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication", mentions=mentions,
                                                         out_dir=tmp_path / f"again{i}",
                                                         options={"batch_mentions": batch}))
                found.append(gc.collect())
        finally:
            gc.enable()
        assert found[0] == found[1] == found[2], found
        refused = tuple(m for m in mentions if m.startswith(_tid(2)))  # consent refused: nothing to write
        with pytest.raises(consent.ConsentRefused):
            pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication", mentions=refused,
                                                     out_dir=tmp_path / "none"))
        assert gc.isenabled()


_EXPORT = r"""
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from intake_app.exports import log, pipeline, sources
from intake_app.exports.base import ExportRequest
from intake_app.vault.vault import Vault
from crypto import age
hq, out, limit, enc = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
with Vault.open(hq, sys.argv[6]) as vault:
    mentions = tuple(sources.all_mentions(vault))
    recipients = (age.generate_x25519_identity().recipient,) if enc else ()
    if limit:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        pipeline.run_export(vault, ExportRequest(format="uwazi", purpose="publication", mentions=mentions,
                                                 out_dir=out, recipients=recipients, options={"batch_mentions": 2}))
    except Exception as exc:
        print("FAILED", type(exc).__name__, exc)
        sys.exit(3)
    print("WROTE", len(log.entries(vault)))
"""


def _export(tmp_path: Path, out: Path, limit: int, encrypt: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTAKE_KDF_PROFILE": "fast"}
    return subprocess.run([sys.executable, "-c", _EXPORT, str(REPO), str(tmp_path / "hq"), str(out), str(limit),
                           "1" if encrypt else "0", PASSPHRASE], capture_output=True, text=True, env=env,
                          check=False)


def _nothing_left(tmp_path: Path, out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]  # no file, no temp file, no spool
    assert not list((tmp_path / "hq").glob(".export-scratch-*"))
    with Vault.open(tmp_path / "hq", PASSPHRASE) as vault:
        assert log.entries(vault) == []


@pytest.mark.parametrize("encrypt", [False, True])
def test_a_file_size_limit_half_way_leaves_nothing(tmp_path: Path, encrypt: bool) -> None:
    """RLIMIT_FSIZE: a write past the limit fails (EFBIG) wherever it comes (scratch database or output file)."""
    build_world(tmp_path / "hq")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("a file of the user's")
    run = _export(tmp_path, out, 6000, encrypt)
    assert run.returncode == 3 and "FAILED" in run.stdout, run.stdout + run.stderr
    _nothing_left(tmp_path, out)
    run = _export(tmp_path, out, 0, encrypt)  # with room enough: every file and the log entry
    assert run.returncode == 0 and "WROTE 1" in run.stdout, run.stdout + run.stderr
    assert len(list(out.iterdir())) == 6


@pytest.mark.skipif(os.geteuid() != 0 or sys.platform != "linux", reason="mounting a small tmpfs needs root on Linux")
@pytest.mark.parametrize("encrypt", [False, True])
def test_a_full_output_disk_half_way_leaves_nothing(tmp_path: Path, encrypt: bool) -> None:
    """A real full disk: the output folder is a 12 KiB tmpfs, so the third or fourth file cannot be written."""
    build_world(tmp_path / "hq")
    out = tmp_path / "small"
    out.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12k,mode=700", "tmpfs", str(out)],
                      check=False, capture_output=True).returncode != 0:
        pytest.skip("this system refuses a tmpfs mount")
    try:
        (out / "keep.txt").write_text("a file of the user's")
        run = _export(tmp_path, out, 0, encrypt)
        assert run.returncode == 3 and "No space left on device" in run.stdout, run.stdout + run.stderr
        _nothing_left(tmp_path, out)
    finally:
        subprocess.run(["umount", str(out)], check=True)

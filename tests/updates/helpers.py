"""Set-up shared by the update and purge tests: an HQ and an enrolled laptop (through the Python API, fast), testimonies
carrying marker strings in their narrative, a victim's name and an attachment, and CLI helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.bundles.test_merge_properties import EXAMPLE, PASSPHRASE, attach, connect, create_vault, open_vault
from tests.conftest import CliResult, Runner

PW = {"INTAKE_PASSPHRASE": PASSPHRASE}


def cli(intake: Runner, vault: Path, *args: str) -> CliResult:
    return intake("--vault", str(vault), "--json", *args, env=PW)


def cli_ok(intake: Runner, vault: Path, *args: str) -> Any:
    res = cli(intake, vault, *args)
    assert res.returncode == 0, res
    return json.loads(res.stdout)


def setup_pair(tmp: Path, fields: int = 1) -> tuple[Path, list[Path], list[str]]:
    hq = create_vault(tmp / "hq", "hq")
    paths, ids = [], []
    for i in range(fields):
        f = create_vault(tmp / f"laptop-{i + 1}")
        ids.append(connect(f, hq, f"laptop-{i + 1}"))
        paths.append(f.path)
        f.lock()
    hq.lock()
    return tmp / "hq", paths, ids


def markers(tag: str) -> dict[str, str]:
    """Distinct marker strings for one testimony: narrative, a victim's Hangul and romanised names, attachment."""
    return {"narrative": f"NARRATIVEMARK{tag}QZX 증언표지{tag}", "hangul": f"표지이름{tag}",
            "roman": f"ROMANMARK{tag}QZX", "attachment": f"ATTACHMARK{tag}QZX", "file": f"FILEMARK{tag}QZX.txt"}


def marked_doc(tag: str) -> bytes:
    m = markers(tag)
    doc: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc.pop("id", None)
    doc["narrative"] = m["narrative"]
    doc["victims"][0]["names"] = [{"hangul": m["hangul"], "roman": m["roman"]}]
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def add_marked(vault: Vault, tag: str, *, with_attachment: bool = True) -> str:
    rid = RecordStore(vault).add_json(marked_doc(tag)).record_id
    if with_attachment:
        m = markers(tag)
        attach(vault, rid, (m["attachment"] + " scanned page text ") .encode("utf-8") * 50, m["file"])
    return rid


def opened(path: Path) -> Vault:
    return open_vault(path)

"""docs/formats/hq-update.md's worked example: the documented bytes are what the code writes, the reader accepts them
(chain from the old key to the new one), and stock minisign, sha256sum and jq give what the page prints."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from crypto import minisign
from intake_app.updates import files
from intake_app.updates import format as uf
from intake_app.updates.field import follow_chain
from tests.conftest import require_tools
from tests.updates.doc_example import example

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "hq-update.md"
NO_FINAL_NEWLINE = {"update.json", "change.json"}


def _documented() -> dict[str, str]:
    blocks = dict(re.findall(r"<!-- file: (\S+) -->\n```\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S))
    return {name: text[:-1] if name in NO_FINAL_NEWLINE else text for name, text in blocks.items()}


def test_documented_bytes_are_what_the_code_writes() -> None:
    assert _documented() == example()


def test_documented_update_verifies_through_the_chain() -> None:
    docs = _documented()
    body = docs["update.json"].encode("utf-8")
    doc = uf.parse_doc(body)
    dsplit = files.split_archive(files.archive_bytes(body, docs["update.json.minisig"]))
    assert dsplit == (body, docs["update.json.minisig"].encode("ascii"))
    old = minisign.parse_public_key_file(docs["hq-old.pub"])
    new = minisign.parse_public_key_file(docs["hq-new.pub"])
    final, links = follow_chain([old], doc.key_changes, set())
    assert final is not None and final.same_as(new) and [k.change.index for k in links] == [1]
    assert links[0].data == docs["change.json"].encode("utf-8")
    verified = minisign.verify(new, body, docs["update.json.minisig"])
    comment = uf.UpdateComment.parse(verified.trusted_comment)
    assert (comment.device, comment.seq, comment.sha256) == (doc.device, doc.seq, hashlib.sha256(body).hexdigest())
    text = DOC.read_text(encoding="utf-8")
    assert f"{hashlib.sha256(body).hexdigest()}  update.json" in text
    assert f"{links[0].sha256}  change.json" in text


def test_stock_tools_give_what_the_page_prints(tmp_path: Path) -> None:
    require_tools("minisign", "jq")
    for name, content in _documented().items():
        (tmp_path / name).write_bytes(content.encode("utf-8"))
    text = DOC.read_text(encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)

    for pub, signed in (("hq-old.pub", "change.json"), ("hq-new.pub", "update.json")):
        res = run("minisign", "-Vm", signed, "-p", pub)
        assert res.returncode == 0, res.stderr
        assert res.stdout in text
    res = run("minisign", "-Vm", "update.json", "-p", "hq-old.pub")
    assert res.returncode != 0 and res.stderr.strip() in text
    extracted = run("jq", "-jcS", ".key_changes[0].change", "update.json").stdout
    assert extracted == _documented()["change.json"]
    assert run("jq", "-j", ".key_changes[0].signature", "update.json").stdout == _documented()["change.json.minisig"]

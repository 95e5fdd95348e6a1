"""Bundles outlive this program: stock `tar`, `minisign` and `age` read, verify and decrypt them (design: must hold 3).

Also holds the CLI set-up helpers (HQ and field vaults, keys exchanged as the README describes) that the other bundle
test files import.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, CliResult, Runner, needs_tools

GOOD = REPO / "tests" / "data" / "interchange" / "good"
PW = {"INTAKE_PASSPHRASE": "pw 비밀"}
PASSPHRASE = PW["INTAKE_PASSPHRASE"]

needs_stock_tools = needs_tools("age", "minisign", "tar", "sha256sum", why="the interop references")


# ---- CLI helpers shared by the bundle tests ------------------------------------------------------------------------
def ok(res: CliResult) -> CliResult:
    assert res.returncode == 0, res
    return res


def run(intake: Runner, vault: Path, *args: str) -> CliResult:
    return intake("--vault", str(vault), *args, env=PW)


@dataclass(frozen=True)
class Hq:
    path: Path
    pub: Path


@dataclass(frozen=True)
class Field:
    path: Path
    pub: Path
    key_id: str


def make_hq(intake: Runner, tmp: Path, name: str = "hq") -> Hq:
    path = tmp / name
    ok(run(intake, path, "vault", "init", "--role", "hq"))
    pub = tmp / f"{name}.pub"
    ok(run(intake, path, "keys", "export", str(pub)))
    return Hq(path, pub)


def make_field(intake: Runner, tmp: Path, hq: Hq | None, name: str = "laptop-1", *, enrol_at: Hq | None = None,
               enrol: bool = True) -> Field:
    """A field vault that pins ``hq`` and (unless ``enrol`` is False) is enrolled at ``enrol_at`` (default ``hq``)."""
    path = tmp / name
    ok(run(intake, path, "vault", "init"))
    pub = tmp / f"{name}.pub"
    ok(run(intake, path, "keys", "export", str(pub)))
    if hq is not None:
        ok(run(intake, path, "keys", "add", str(hq.pub)))
    target = enrol_at or hq
    if enrol and target is not None:
        ok(run(intake, target.path, "keys", "add", str(pub), "--name", name))
    key_id = json.loads(ok(run(intake, path, "--json", "keys", "show")).stdout)["signing_key"]["key_id"]
    return Field(path, pub, key_id)


def example(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = json.loads((GOOD / "example.json").read_text(encoding="utf-8"))
    doc.pop("id", None)
    doc.update(changes)
    return doc


def add_testimony(intake: Runner, vault: Path, tmp: Path, doc: dict[str, object] | None = None) -> str:
    src = tmp / "testimony-in.json"
    src.write_text(json.dumps(doc or example(), ensure_ascii=False), encoding="utf-8")
    return ok(run(intake, vault, "testimony", "add", str(src))).stdout.strip()


def edit_testimony(intake: Runner, vault: Path, tmp: Path, rid: str, **changes: object) -> dict[str, object]:
    doc: dict[str, object] = json.loads(ok(run(intake, vault, "testimony", "show", rid)).stdout)
    doc.update(changes)
    add_testimony(intake, vault, tmp, doc)
    return doc


def export(intake: Runner, vault: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return Path(json.loads(ok(run(intake, vault, "--json", "bundle", "export", str(out))).stdout)["path"])


# ---- the interop test ----------------------------------------------------------------------------------------------
@needs_stock_tools
def test_stock_tar_minisign_age_read_a_bundle(intake: Runner, tmp_path: Path) -> None:
    hq = make_hq(intake, tmp_path)
    field = make_field(intake, tmp_path, hq)
    rid = add_testimony(intake, field.path, tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(bytes(range(256)) * 40)
    ok(run(intake, field.path, "attach", rid, str(scan)))
    bundle = export(intake, field.path, tmp_path / "usb")

    # An auditor with stock tools only: unpack, then check both signatures with the device's public key file.
    listing = subprocess.run(["tar", "-tf", str(bundle)], capture_output=True, text=True, check=True).stdout.split()
    assert listing == ["payload.age", "payload.age.minisig", "checkpoint", "checkpoint.minisig", "leaves"]
    outer = tmp_path / "outer"
    outer.mkdir()
    subprocess.run(["tar", "-xf", str(bundle), "-C", str(outer)], check=True)
    for member in ("payload.age", "checkpoint"):
        res = subprocess.run(["minisign", "-Vm", str(outer / member), "-p", str(field.pub)],
                             capture_output=True, text=True, check=False)
        assert res.returncode == 0, res.stderr
        assert "Trusted comment: testimony-intake" in res.stdout
        assert field.key_id in res.stdout  # the comment names the signing device
    # The leaves are 32-byte hashes, as many as the checkpoint says.
    cp_lines = (outer / "checkpoint").read_text(encoding="ascii").splitlines()
    assert cp_lines[0] == f"testimony-intake/device/{field.key_id}"
    assert (outer / "leaves").stat().st_size == 32 * int(cp_lines[1])
    # A damaged payload fails stock minisign too (the outer signature covers every byte of it).
    damaged = tmp_path / "damaged.age"
    data = bytearray((outer / "payload.age").read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(data)
    shutil.copy(outer / "payload.age.minisig", tmp_path / "damaged.age.minisig")
    assert subprocess.run(["minisign", "-Vm", str(damaged), "-p", str(field.pub)], capture_output=True,
                          check=False).returncode != 0

    # HQ's emergency path: the exported identity and stock age decrypt the payload into a plain tar stream.
    identity = tmp_path / "hq.key"
    ok(run(intake, hq.path, "keys", "export-identity", str(identity)))
    plain = subprocess.run(["age", "-d", "-i", str(identity), str(outer / "payload.age")], capture_output=True,
                           check=True).stdout
    names = subprocess.run(["tar", "-t"], input=plain, capture_output=True, check=True).stdout.decode().split()
    assert names[:2] == ["manifest.json", "manifest.json.minisig"]
    inner = tmp_path / "inner"
    inner.mkdir()
    subprocess.run(["tar", "-x", "-C", str(inner)], input=plain, check=True)
    manifest = json.loads((inner / "manifest.json").read_bytes())
    assert manifest["device"] == field.key_id and manifest["sequence"] == 1
    assert sorted(names[2:]) == sorted(f["path"] for f in manifest["files"])
    sums = subprocess.run(["sha256sum", *(f["path"] for f in manifest["files"])], cwd=inner, capture_output=True,
                          text=True, check=True).stdout
    listed = {path: digest for digest, path in (line.split(maxsplit=1) for line in sums.splitlines())}
    for f in manifest["files"]:
        assert listed[f["path"]] == f["sha256"], f["path"]
        assert (inner / f["path"]).stat().st_size == f["size"]
    assert (inner / "attachments" / hashlib.sha256(scan.read_bytes()).hexdigest()).read_bytes() == scan.read_bytes()
    # The inner signature verifies with stock minisign and binds the manifest to the outer signature's comment.
    res = subprocess.run(["minisign", "-Vm", str(inner / "manifest.json"), "-p", str(field.pub)], capture_output=True,
                         text=True, check=True)
    manifest_sha = hashlib.sha256((inner / "manifest.json").read_bytes()).hexdigest()
    assert f"sha256={manifest_sha}" in res.stdout
    outer_sig = (outer / "payload.age.minisig").read_text(encoding="ascii")
    assert f"manifest={manifest_sha}" in outer_sig
    # The manifest names exactly HQ's recipient (the one in the HQ key file the laptop pinned).
    hq_recipient = next(line.split()[1] for line in hq.pub.read_text(encoding="utf-8").splitlines()
                        if line.startswith("recipient "))
    assert manifest["recipients"] == [hq_recipient]


@needs_stock_tools
def test_stock_tar_repack_is_refused_but_its_members_still_verify(intake: Runner, tmp_path: Path) -> None:
    """Bundles fix every tar header field (de30c52), so a bundle repacked with `tar --format=ustar` (other mtimes,
    owner names, record padding) is no longer the bundle: refused with a reason, and HQ unchanged. What stock tools
    took out of it still verifies with stock minisign, so an auditor with only stock tools loses nothing."""
    hq = make_hq(intake, tmp_path)
    field = make_field(intake, tmp_path, hq)
    add_testimony(intake, field.path, tmp_path)
    bundle = export(intake, field.path, tmp_path / "usb")
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "-xf", str(bundle), "-C", str(unpacked)], check=True)
    repacked = tmp_path / "repacked.bundle.tar"
    subprocess.run(["tar", "--format=ustar", "-cf", str(repacked), "-C", str(unpacked), "payload.age",
                    "payload.age.minisig", "checkpoint", "checkpoint.minisig", "leaves"], check=True)
    assert repacked.read_bytes() != bundle.read_bytes()
    res = intake("--json", "bundle", "verify", str(repacked), "--key", str(field.pub))
    assert res.returncode == 1, res
    assert "canonical" in json.loads(res.stdout)["results"][0]["reason"]
    res = run(intake, hq.path, "--json", "bundle", "import", str(repacked))
    assert res.returncode == 1 and json.loads(res.stdout)["results"][0]["status"] == "refused", res
    assert json.loads(ok(run(intake, hq.path, "--json", "testimony", "list")).stdout)["count"] == 0
    again = tmp_path / "again"
    again.mkdir()
    subprocess.run(["tar", "-xf", str(repacked), "-C", str(again)], check=True)
    for member in ("payload.age", "checkpoint"):
        subprocess.run(["minisign", "-Vm", str(again / member), "-p", str(field.pub)], capture_output=True, check=True)
    # The original file itself imports.
    res = ok(run(intake, hq.path, "--json", "bundle", "import", str(bundle)))
    assert json.loads(res.stdout)["results"][0]["status"] == "imported"


@needs_stock_tools
@needs_tools("age-keygen", why="stock age-keygen makes the offline backup identity")
def test_offline_backup_identity_decrypts_with_stock_age(intake: Runner, tmp_path: Path) -> None:
    """The expected setup: laptops pin HQ's key and an offline backup recipient (a bare `age1…` line from
    `age-keygen -y`); with HQ's vault gone, the backup identity alone opens the payload with stock age."""
    hq = make_hq(intake, tmp_path)
    field = make_field(intake, tmp_path, hq)
    backup_key = tmp_path / "backup.key"
    subprocess.run(["age-keygen", "-o", str(backup_key)], check=True, capture_output=True)
    backup_pub = tmp_path / "backup.pub"
    backup_pub.write_text(subprocess.run(["age-keygen", "-y", str(backup_key)], capture_output=True, text=True,
                                         check=True).stdout, encoding="ascii")
    ok(run(intake, field.path, "keys", "add", str(backup_pub), "--name", "offline backup"))
    assert len(json.loads(ok(run(intake, field.path, "--json", "keys", "list")).stdout)["recipients"]) == 2
    add_testimony(intake, field.path, tmp_path)
    bundle = export(intake, field.path, tmp_path / "usb")
    outer = tmp_path / "outer"
    outer.mkdir()
    subprocess.run(["tar", "-xf", str(bundle), "-C", str(outer)], check=True)
    plain = subprocess.run(["age", "-d", "-i", str(backup_key), str(outer / "payload.age")], capture_output=True,
                           check=True).stdout
    inner = tmp_path / "inner"
    inner.mkdir()
    subprocess.run(["tar", "-x", "-C", str(inner)], input=plain, check=True)
    manifest = json.loads((inner / "manifest.json").read_bytes())
    assert backup_pub.read_text(encoding="ascii").strip() in manifest["recipients"]
    assert len(manifest["recipients"]) == 2
    # HQ still imports it (its own recipient is one of the two).
    res = ok(run(intake, hq.path, "--json", "bundle", "import", str(bundle)))
    assert json.loads(res.stdout)["results"][0]["status"] == "imported"

"""HQ's policy may require the unlock protections (issue 29, item 8; hq-update.md §4): a failed-unlock limit of at most
N, which a laptop importing the policy sets itself and then keeps, and a duress passphrase, which only the interviewer
can choose, so the laptop warns until one is set. An update without requirements is spelled as before."""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
from pathlib import Path

import pytest

from crypto import minisign
from intake_app.updates import files
from intake_app.updates import format as uf
from intake_app.updates.hq import build
from intake_app.vault import unlock_guard
from tests.conftest import Runner
from tests.updates.helpers import PW, cli, cli_ok, opened, setup_pair

NO_REQUIREMENT = {"require_unlock_limit": None, "require_duress": None}


def _export(intake: Runner, hq: Path, usb: Path) -> str:
    usb.mkdir(exist_ok=True)
    return str(cli_ok(intake, hq, "update", "export", "--all", "--out", str(usb))["updates"][0]["path"])


def test_a_required_limit_is_set_on_import_and_kept_and_a_missing_duress_passphrase_is_a_warning(
        intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), _ = setup_pair(tmp_path)
    got = cli_ok(intake, hq, "update", "policy", "--require-unlock-limit", "10", "--require-duress", "on")
    assert got["policy"] == {"auto_lock_minutes": None, "max_days_between_exports": None,
                             "require_unlock_limit": 10, "require_duress": 1}
    for bad in ("4", "101", "-1"):  # out of range: refused, nothing changed
        assert cli(intake, hq, "update", "policy", "--require-unlock-limit", bad).returncode == 2
    assert cli_ok(intake, hq, "update", "policy")["policy"]["require_unlock_limit"] == 10
    cli_ok(intake, laptop, "vault", "unlock-limit", "set", "50")  # the interviewer's own choice, higher than HQ's
    imported = cli_ok(intake, laptop, "update", "import", _export(intake, hq, tmp_path / "usb"))
    assert imported["unlock_limit_set"] == 10
    assert imported["duress_required_missing"] is True
    assert any("duress passphrase" in w for w in imported["policy_warnings"])
    assert cli_ok(intake, laptop, "vault", "unlock-limit", "status")["unlock_limit"] == 10
    # Kept: neither off nor higher than HQ's maximum is accepted any more, lower is.
    for value in ("off", "11"):
        res = cli(intake, laptop, "vault", "unlock-limit", "set", value)
        assert res.returncode == 2 and "headquarters requires" in res.stderr
    assert cli_ok(intake, laptop, "vault", "unlock-limit", "status")["unlock_limit"] == 10
    assert cli_ok(intake, laptop, "vault", "unlock-limit", "set", "6")["unlock_limit"] == 6
    status = cli_ok(intake, laptop, "update", "status")
    assert status["policy"]["require_duress"] == 1 and len(status["policy_warnings"]) == 1
    # The interviewer chooses a duress passphrase: the warning goes.
    res = intake("--vault", str(laptop), "--json", "vault", "duress", "set",
                 env={**PW, "INTAKE_DURESS_PASSPHRASE": "a different phrase for the border"})
    assert res.returncode == 0, res
    assert cli_ok(intake, laptop, "update", "status")["policy_warnings"] == []
    # HQ drops the requirements: the next update frees the limit (left as it is), and asks nothing.
    cli_ok(intake, hq, "update", "policy", "--require-unlock-limit", "0", "--require-duress", "off")
    imported = cli_ok(intake, laptop, "update", "import", _export(intake, hq, tmp_path / "usb2"))
    assert imported["unlock_limit_set"] is None and imported["policy_warnings"] == []
    assert cli_ok(intake, laptop, "vault", "unlock-limit", "set", "off")["unlock_limit"] is None


def test_a_lower_limit_already_set_is_kept(intake: Runner, tmp_path: Path) -> None:
    hq, (laptop,), _ = setup_pair(tmp_path)
    cli_ok(intake, hq, "update", "policy", "--require-unlock-limit", "20")
    cli_ok(intake, laptop, "vault", "unlock-limit", "set", "7")
    imported = cli_ok(intake, laptop, "update", "import", _export(intake, hq, tmp_path / "usb"))
    assert imported["unlock_limit_set"] is None and imported["policy_warnings"] == []
    assert imported["duress_required_missing"] is False
    assert cli_ok(intake, laptop, "vault", "unlock-limit", "status")["unlock_limit"] == 7


def test_an_update_without_requirements_is_spelled_as_version_1_always_was(tmp_path: Path) -> None:
    """Old update files stay valid and an older laptop reads a new HQ's update that requires nothing."""
    hq, _, (device,) = setup_pair(tmp_path)
    with opened(hq) as v:
        doc = build(v, device, 1, "2026-12-01T09:30:00.000000Z")
    assert set(json.loads(doc.to_bytes())["policy"]) == {"auto_lock_minutes", "max_days_between_exports"}
    parsed = uf.parse_doc(doc.to_bytes())
    assert parsed.policy == {"auto_lock_minutes": None, "max_days_between_exports": None, **NO_REQUIREMENT}
    assert parsed.to_bytes() == doc.to_bytes()
    required = dataclasses.replace(doc, policy={**doc.policy, "require_unlock_limit": 5, "require_duress": 1})
    policy = json.loads(required.to_bytes())["policy"]
    assert policy == {"auto_lock_minutes": None, "max_days_between_exports": None, "require_unlock_limit": 5,
                      "require_duress": True}
    assert uf.parse_doc(required.to_bytes()).to_bytes() == required.to_bytes()


@pytest.mark.parametrize(("value", "why"), [
    ({"require_unlock_limit": 4}, "valid number"), ({"require_unlock_limit": 101}, "valid number"),
    ({"require_unlock_limit": None}, "valid number"), ({"require_unlock_limit": True}, "valid number"),
    ({"require_duress": False}, "not true"), ({"require_duress": 1}, "not true"), ({"require_duress": None}, "not true"),
    ({"require_something_else": 1}, "expected keys")])
def test_a_malformed_requirement_refuses_the_update_and_changes_nothing(
        tmp_path: Path, value: dict[str, object], why: str) -> None:
    hq, (laptop,), (device,) = setup_pair(tmp_path)
    at = "2026-12-01T09:30:00.000000Z"
    with opened(hq) as v:
        obj = build(v, device, 1, at).to_json()
        key = v.signing_key()
    obj["policy"].update(value)
    data = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with pytest.raises(uf.UpdateMalformed, match=why):
        uf.parse_doc(data)
    sig = minisign.sign(key, data, uf.update_comment(device, 1, hashlib.sha256(data).hexdigest(), at),
                        uf.DOC_SIG_COMMENT)
    path = tmp_path / "bad.update.tar"
    path.write_bytes(files.archive_bytes(data, sig))
    from intake_app.updates.field import UpdateRefused, import_update

    with opened(laptop) as f:
        with pytest.raises(UpdateRefused):
            import_update(f, path, auto_purge=False)
        assert f.conn.execute("SELECT count(*) FROM updates_received").fetchone()[0] == 0
        assert unlock_guard.db_limit(f.conn) == 0 and unlock_guard.required_limit(f.conn) is None


def test_the_format_range_is_the_unlock_guards() -> None:
    assert uf.POLICY_OPTIONAL[uf.REQUIRE_UNLOCK_LIMIT] == (unlock_guard.MIN_LIMIT, unlock_guard.MAX_LIMIT)


def test_update_files_are_named_by_the_key_digits_the_laptop_shows(intake: Runner, tmp_path: Path) -> None:
    """Issue 29 minor: files were named by the hex key id while the laptop showed only its fingerprint digits."""
    hq, (laptop,), (device,) = setup_pair(tmp_path)
    with opened(laptop) as f:
        shown = " ".join(f.info().fingerprint.split()[:2])  # the status bar's "key 04217 88310"
    sent = cli_ok(intake, hq, "update", "export", "--all", "--out", str(tmp_path))["updates"][0]
    assert sent["device_code"] == shown
    name = Path(sent["path"]).name
    assert name == f"intake-update-{shown.replace(' ', '-')}-{device}-000001.update.tar"
    res = cli(intake, hq, "update", "export", "--all", "--out", str(tmp_path / "usb2"))
    assert res.returncode != 0  # no such folder: nothing written
    status = cli_ok(intake, laptop, "update", "status")
    assert (status["device"], status["device_code"]) == (device, shown)
    assert fnmatch.fnmatch(name, status["update_file_pattern"])
    text = intake("--vault", str(laptop), "update", "status", env=PW).stdout
    assert f"key {shown}" in text and device in text

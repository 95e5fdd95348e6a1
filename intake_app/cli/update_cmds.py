"""``intake update …``: HQ writes signed updates for field laptops; a laptop imports them (issue 17)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from intake_app.cli.context import Context
from intake_app.errors import UsageError
from intake_app.updates import field as field_updates
from intake_app.updates import hq as hq_updates

SubParsers = argparse._SubParsersAction
MAX_VOCABULARY_FILE = 1 << 20


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    u = sub.add_parser("update", help="HQ → field updates: receipts, key changes, revocations, vocabulary, policy",
                       parents=[common])
    us = u.add_subparsers(dest="update_command", required=True, metavar="COMMAND")
    p = us.add_parser("export", help="HQ: write the next signed update of a device (or of all) into DIR",
                      parents=[common])
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--device", metavar="KEYID")
    who.add_argument("--all", action="store_true", help="every enrolled device that is not revoked")
    p.add_argument("--out", required=True, metavar="DIR")
    p.set_defaults(func=cmd_export)
    p = us.add_parser("import", help="field: check an HQ update against the pinned HQ key and apply it",
                      parents=[common])
    p.add_argument("file")
    p.set_defaults(func=cmd_import)
    p = us.add_parser("key-change", help="HQ: a new signing key or recipient, signed by the current HQ key",
                      parents=[common])
    p.add_argument("--new-signing-key", action="store_true", help="make a new HQ signing key the current one")
    p.add_argument("--add-recipient", metavar="AGE1…", help="an age recipient field laptops should also encrypt to")
    p.add_argument("--retire-recipient", metavar="AGE1…", help="an age recipient field laptops must stop using")
    p.set_defaults(func=cmd_key_change)
    p = us.add_parser("policy", help="HQ: the minimums field laptops must keep (shown on a field laptop)",
                      parents=[common])
    p.add_argument("--auto-lock-minutes", type=int, metavar="N", help="lock after at most N idle minutes (0: unset)")
    p.add_argument("--max-days-between-exports", type=int, metavar="D",
                   help="remind the interviewer after D days without an export (0: unset)")
    p.add_argument("--require-unlock-limit", type=int, metavar="N",
                   help="laptops keep a failed-unlock limit of at most N (5 to 100; 0: no requirement)")
    p.add_argument("--require-duress", choices=("on", "off"),
                   help="laptops are asked to set a duress passphrase (off: no requirement)")
    p.set_defaults(func=cmd_policy)
    p = us.add_parser("vocabulary", help='HQ: add new codes from {"vocabulary": NAME, "entries": [...]}',
                      parents=[common])
    p.add_argument("file")
    p.set_defaults(func=cmd_vocabulary)
    p = us.add_parser("status", help="field: the last update, bundles acknowledged, policy, revocations",
                      parents=[common])
    p.set_defaults(func=cmd_status)
    p = us.add_parser("auto-purge", help="field: purge what HQ acknowledged after each update import",
                      parents=[common])
    p.add_argument("state", choices=("on", "off"))
    p.set_defaults(func=cmd_auto_purge)


def cmd_export(ctx: Context) -> int:
    out = Path(ctx.opt("out"))
    with ctx.open_vault() as vault:
        sent = hq_updates.export_updates(vault, out, None if ctx.opt("all") else ctx.opt("device"))
    items = [dataclasses.asdict(s) | {"path": str(s.path)} for s in sent]
    lines = [f"{s.path}\n  update {s.seq} for {s.device} (the laptop showing key {s.device_code}):"
             f" {s.receipts} bundles acknowledged (up to {s.highest_receipt}), {s.key_changes} key changes,"
             f" {s.revocations} revocations, {s.vocabulary} vocabulary additions"
             for s in sent]
    ctx.emit({"updates": items}, "\n".join(lines) or "no device to write an update for")
    return 0


def cmd_import(ctx: Context) -> int:
    path = Path(ctx.opt("file"))
    if not path.is_file():
        raise UsageError(f"no such update file: {path}")
    with ctx.open_vault() as vault:
        result = field_updates.import_update(vault, path)
    lines = [f"imported HQ update {result.sequence} (signed by HQ key {result.hq_key_id})",
             "  bundles acknowledged by HQ: " + (", ".join(map(str, result.acknowledged_bundles)) or "none")
             + (f" (new: {', '.join(map(str, result.newly_acknowledged))})" if result.newly_acknowledged else "")]
    lines += [f"  warning: {w}" for w in result.receipt_warnings]
    for k in result.key_changes:
        what = [f"new HQ signing key {k['signing_key']}" if k["signing_key"] else "",
                f"new HQ recipient {k['add_recipient']}" if k["add_recipient"] else "",
                f"retired HQ recipient {k['retire_recipient']}" if k["retire_recipient"] else ""]
        lines.append(f"  HQ key change {k['index']}: " + "; ".join(w for w in what if w)
                     + " — compare the fingerprint with HQ")
    if result.revocations:
        lines.append("  revoked devices: " + ", ".join(result.revocations))
    if result.vocabulary_added:
        lines.append("  vocabulary added: " + ", ".join(result.vocabulary_added))
    lines += [f"  vocabulary not applied: {v['code']} ({v['reason']})" for v in result.vocabulary_skipped]
    policy = {k: v for k, v in result.policy.items() if v is not None}
    if policy:
        lines.append("  policy: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(policy.items())))
    if result.unlock_limit_set is not None:
        lines.append(f"  failed-unlock limit set to {result.unlock_limit_set}, as headquarters requires")
    lines += [f"  warning: {w}" for w in result.policy_warnings]
    if result.purged is not None:
        lines.append(f"  purged {result.purged['testimonies']} testimonies HQ has received")
    ctx.emit(dataclasses.asdict(result), "\n".join(lines))
    return 0


def cmd_key_change(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        change = hq_updates.change_keys(vault, new_signing_key=ctx.opt("new_signing_key"),
                                        add_recipient=ctx.opt("add_recipient"),
                                        retire_recipient=ctx.opt("retire_recipient"))
    doc = {"index": change.index, "previous_signing_key": change.previous_signing_key.key_id_hex,
           "signing_key": None if change.signing_key is None else change.signing_key.key_id_hex,
           "signing_key_fingerprint": None if change.signing_key is None else change.signing_key.fingerprint(),
           "add_recipient": change.add_recipient, "retire_recipient": change.retire_recipient}
    text = f"HQ key change {change.index} recorded, signed by {change.previous_signing_key.key_id_hex}"
    if change.signing_key is not None:
        text += f"\n  new signing key {change.signing_key.key_id_hex}, fingerprint {change.signing_key.fingerprint()}"
    ctx.emit(doc, text + "\n  it reaches the laptops with their next update (intake update export)")
    return 0


def cmd_policy(ctx: Context) -> int:
    values: dict[str, int | None] = {}
    for name in ("auto_lock_minutes", "max_days_between_exports", "require_unlock_limit"):
        value = ctx.opt(name)
        if value is not None:
            values[name] = None if value == 0 else value
    if ctx.opt("require_duress") is not None:
        values["require_duress"] = 1 if ctx.opt("require_duress") == "on" else None
    with ctx.open_vault() as vault:
        if vault.role == "field":
            if values:
                raise UsageError("policy is set at HQ and arrives with an update")
            current = field_updates.field_policy(vault.conn)
        else:
            current = hq_updates.set_policy(vault, values) if values else hq_updates.policy(vault.conn)
    text = "\n".join(f"{k.replace('_', ' ')}: {'-' if v is None else 'yes' if k == 'require_duress' else v}"
                     for k, v in current.items())
    ctx.emit({"policy": current}, text)
    return 0


def cmd_vocabulary(ctx: Context) -> int:
    path = Path(ctx.opt("file"))
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_VOCABULARY_FILE + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_VOCABULARY_FILE:
        raise UsageError(f"{path} is too large for a vocabulary addition")
    with ctx.open_vault() as vault:
        added = hq_updates.add_vocabulary(vault, data)
    ctx.emit({"added": [f"{v}:{c}" for v, c in added]},
             "added " + ", ".join(f"{v}:{c}" for v, c in added) + " (sent with the next updates)")
    return 0


def cmd_status(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        if vault.role != "field":
            raise UsageError("on HQ, `intake bundle status` shows the updates sent per device")
        st = field_updates.status(vault.conn) | field_updates.this_device(vault)
    last = st["last_update"]
    lines = [f"this laptop: key {st['device_code']} (device id {st['device']}); its update files are named"
             f" {st['update_file_pattern']}",
             f"last HQ update: {last['seq']} (made {last['created_at']})" if last else "no HQ update imported yet",
             "bundles acknowledged by HQ: " + (", ".join(map(str, st["acknowledged_bundles"])) or "none"),
             f"testimonies that can be removed: {st['purgeable']}",
             f"purge after each update: {'on' if st['auto_purge'] else 'off'}"]
    lines += [f"warning: {w}" for w in st["policy_warnings"]]
    ctx.emit(st, "\n".join(lines))
    return 0


def cmd_auto_purge(ctx: Context) -> int:
    enabled = ctx.opt("state") == "on"
    with ctx.open_vault() as vault:
        if vault.role != "field":
            raise UsageError("only a field laptop purges what HQ received")
        field_updates.set_auto_purge(vault, enabled)
    ctx.emit({"auto_purge": enabled}, f"purge after each update import: {'on' if enabled else 'off'}")
    return 0

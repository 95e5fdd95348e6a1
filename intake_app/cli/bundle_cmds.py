"""``intake keys …``, ``intake bundle …``, ``intake conflicts …``."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from crypto.atomic_file import write_atomic
from crypto.signing import PublicKey
from intake_app.bundles import log_status
from intake_app.bundles.auditor_state import AuditorState
from intake_app.bundles.export import export_bundle, finish_interrupted_exports
from intake_app.bundles.importer import Importer, device_status
from intake_app.bundles.keyring import (
    Keyring,
    parse_device_key_file,
    parse_hq_key_file,
    read_key_file,
    recipient_fingerprint,
)
from intake_app.bundles.verify import BundleRefused, pinned, verify_outer
from intake_app.cli.context import Context
from intake_app.errors import RefusedError, UsageError
from intake_app.records import conflicts as conflicts_mod
from intake_app.updates.hq import update_status

SubParsers = argparse._SubParsersAction


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    k = sub.add_parser("keys", help="public keys, HQ recipients, enrolled devices", parents=[common])
    ks = k.add_subparsers(dest="keys_command", required=True, metavar="COMMAND")
    p = ks.add_parser("show", help="this vault's public keys and fingerprints", parents=[common])
    p.set_defaults(func=cmd_keys_show)
    p = ks.add_parser("export", help="write this vault's public key file", parents=[common])
    p.add_argument("file")
    p.set_defaults(func=cmd_keys_export)
    p = ks.add_parser("add", help="field: pin an HQ key file; HQ: enrol a device key file", parents=[common])
    p.add_argument("file")
    p.add_argument("--name", help="a name to show for it (default: from the file name)")
    p.set_defaults(func=cmd_keys_add)
    p = ks.add_parser("list", help="pinned HQ recipients (field) or enrolled devices (HQ)", parents=[common])
    p.set_defaults(func=cmd_keys_list)
    p = ks.add_parser("revoke", help="HQ: refuse bundles a device signs from now on", parents=[common])
    p.add_argument("key_id")
    p.add_argument("--reason", required=True)
    p.add_argument("--accept-up-to", type=int, metavar="N",
                   help="still accept this device's bundles numbered up to N (in transit when it was revoked); "
                        "default: the highest already imported")
    p.set_defaults(func=cmd_keys_revoke)
    p = ks.add_parser("export-identity", help="HQ: write the SECRET age identity for emergency decryption",
                      parents=[common])
    p.add_argument("file")
    p.set_defaults(func=cmd_keys_export_identity)

    b = sub.add_parser("bundle", help="export, verify, import bundles", parents=[common])
    bs = b.add_subparsers(dest="bundle_command", required=True, metavar="COMMAND")
    p = bs.add_parser("export", help="field: write the next bundle into DIR", parents=[common])
    p.add_argument("dir")
    p.add_argument("--all", action="store_true", help="everything, not only what was not sent before")
    p.set_defaults(func=cmd_export)
    p = bs.add_parser("verify", help="auditor: check bundles without any vault or secret", parents=[common])
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--key", action="append", required=True, metavar="DEVICE.pub", help="trusted device key file")
    p.add_argument("--state", metavar="DIR", help="remember what was verified, to check sequence and log growth")
    p.set_defaults(func=cmd_verify)
    p = bs.add_parser("import", help="HQ: verify, decrypt and merge bundles", parents=[common])
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_import)
    p = bs.add_parser("status", help="HQ: per device, last bundle, gaps, forks, revocation", parents=[common])
    p.set_defaults(func=cmd_status)

    c = sub.add_parser("conflicts", help="records edited concurrently on two machines", parents=[common])
    cs = c.add_subparsers(dest="conflicts_command", required=True, metavar="COMMAND")
    p = cs.add_parser("list", help="records with concurrent versions", parents=[common])
    p.set_defaults(func=cmd_conflicts_list)
    p = cs.add_parser("show", help="the concurrent versions side by side", parents=[common])
    p.add_argument("id")
    p.set_defaults(func=cmd_conflicts_show)
    p = cs.add_parser("resolve", help="decide: take one version, or a merged file", parents=[common])
    p.add_argument("id")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--take", metavar="REVISION")
    group.add_argument("--file", metavar="MERGED.json")
    p.set_defaults(func=cmd_conflicts_resolve)


# ---- keys
def cmd_keys_show(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        ring = Keyring(vault)
        pk = ring.signing_key.public_key
        doc = {"role": ring.role, "signing_key": {"key_id": pk.key_id_hex, "fingerprint": pk.fingerprint()}}
        text = f"Signing key {pk.key_id_hex}\n  fingerprint {pk.fingerprint()}"
        if ring.role == "hq":
            hq = ring.own_hq_keys()
            doc["recipient"] = {"recipient": hq.recipient, "fingerprint": recipient_fingerprint(hq.recipient)}
            text += f"\nRecipient {hq.recipient}\n  fingerprint {recipient_fingerprint(hq.recipient)}"
    ctx.emit(doc, text)
    return 0


def _write_new(path: Path, data: bytes) -> None:
    if path.exists():
        raise UsageError(f"{path} already exists; choose another name")
    write_atomic(path, data)


def cmd_keys_export(ctx: Context) -> int:
    path = Path(ctx.opt("file"))
    with ctx.open_vault() as vault:
        ring = Keyring(vault)
        text = ring.export_public()
        fp = ring.signing_key.public_key.fingerprint()
    _write_new(path, text.encode("utf-8"))
    ctx.emit({"file": str(path), "fingerprint": fp},
             f"wrote {path}\nfingerprint {fp}\n(give this file to {'the field laptops' if 'recipient' in text else 'HQ'};"
             " compare the fingerprint by phone or on paper)")
    return 0


def cmd_keys_add(ctx: Context) -> int:
    path = Path(ctx.opt("file"))
    text = read_key_file(path)
    name = ctx.opt("name") or path.stem
    with ctx.open_vault() as vault:
        ring = Keyring(vault)
        if ring.role == "field":
            keys = parse_hq_key_file(text)
            added = ring.pin_recipient(keys, name)
            fps = keys.fingerprints()
            doc = {"added": added, "kind": "hq_recipient", "name": name, "recipient": keys.recipient, "fingerprints": fps}
            lines = [f"{'pinned' if added else 'already pinned'} HQ recipient {name!r}",
                     f"  recipient fingerprint:   {fps['recipient']}"]
            if "signing_key" in fps:
                lines.append(f"  signing-key fingerprint: {fps['signing_key']}")
        else:
            key = parse_device_key_file(text)
            added = ring.enrol(key, name)
            doc = {"added": added, "kind": "device", "name": name, "key_id": key.key_id_hex,
                   "fingerprint": key.fingerprint()}
            lines = [f"{'enrolled' if added else 'already enrolled'} device {name!r} ({key.key_id_hex})",
                     f"  fingerprint: {key.fingerprint()}"]
    lines.append("Compare the fingerprint with the one shown on the other machine before relying on it.")
    ctx.emit(doc, "\n".join(lines))
    return 0


def cmd_keys_list(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        ring = Keyring(vault)
        if ring.role == "field":
            items = [{"recipient": r, "name": n, "added_at": a, "fingerprint": recipient_fingerprint(r)}
                     for r, n, a in ring.recipients()]
            lines = [f"{i['name']}: {i['recipient']}\n  fingerprint {i['fingerprint']}" for i in items]
            ctx.emit({"recipients": items}, "\n".join(lines) or "no HQ recipient pinned")
        else:
            devices = [dataclasses.asdict(d) | {"fingerprint": d.fingerprint, "public_key": None}
                       for d in ring.devices()]
            lines = [f"{d['key_id']}  {d['name']}  enrolled {d['enrolled_at']}"
                     + (f"  REVOKED {d['revoked_at']}: {d['revocation_reason']}" if d["revoked_at"] else "")
                     + f"\n  fingerprint {d['fingerprint']}" for d in devices]
            ctx.emit({"devices": devices}, "\n".join(lines) or "no devices enrolled")
    return 0


def cmd_keys_revoke(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        device = Keyring(vault).revoke(ctx.opt("key_id"), ctx.opt("reason"), ctx.opt("accept_up_to"))
    ctx.emit({"key_id": device.key_id, "revoked_at": device.revoked_at, "accept_up_to": device.revoked_after_seq},
             f"revoked {device.key_id} ({device.name}) at {device.revoked_at}; only its bundles up to number "
             f"{device.revoked_after_seq} made before now are accepted")
    return 0


def cmd_keys_export_identity(ctx: Context) -> int:
    path = Path(ctx.opt("file"))
    with ctx.open_vault() as vault:
        identity = Keyring(vault).identity()
        text = identity.identity_file()
    _write_new(path, text.encode("ascii"))
    ctx.warn(f"{path} holds HQ's SECRET decryption key: anyone with it can read every bundle. Keep it offline, "
             "on paper or an encrypted stick, and never on a field laptop.")
    ctx.emit({"file": str(path), "recipient": str(identity.recipient)}, f"wrote {path} (decrypts with: age -d -i {path})")
    return 0


# ---- bundles
def cmd_export(ctx: Context) -> int:
    directory = Path(ctx.opt("dir"))
    with ctx.open_vault() as vault:
        if directory.is_dir():
            finish_interrupted_exports(vault, directory)
        result = export_bundle(vault, directory, everything=ctx.opt("all"))
    doc = dataclasses.asdict(result) | {"path": str(result.path)}
    ctx.emit(doc, f"{result.path}\n  bundle {result.seq}: {result.revisions} revisions, {result.attachments} attachments,"
                  f" {result.audit_entries} audit entries, {result.size} bytes\n  device fingerprint {result.fingerprint}")
    return 0


def cmd_verify(ctx: Context) -> int:
    keys = [parse_device_key_file(read_key_file(Path(k))) for k in ctx.opt("key")]
    by_id = {k.key_id: k for k in keys}

    def resolve(key_id: bytes) -> PublicKey:
        if key_id not in by_id:
            raise BundleRefused(f"the bundle is signed by key {key_id[::-1].hex().upper()}, which is not among the "
                                "trusted device keys given with --key")
        return pinned(by_id[key_id])(key_id)

    state = AuditorState(Path(ctx.opt("state"))) if ctx.opt("state") else None
    results, verified = [], []
    for name in ctx.opt("files"):
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"no such bundle file: {path}")
        try:
            outer = verify_outer(path, resolve)
            verified.append(outer)
        except BundleRefused as exc:
            results.append({"file": str(path), "valid": False, "reason": str(exc)})
    for outer in sorted(verified, key=lambda o: (o.comment.device, o.comment.seq)):
        c = outer.comment
        item = {"file": str(outer.path), "valid": True, "device": c.device, "seq": c.seq, "bundle_id": c.bundle_id,
                "created_at": c.created_at, "log_size": c.log_size, "manifest_sha256": c.manifest_sha256,
                "fingerprint": outer.key.fingerprint(), "reason": None}
        if state is not None:
            check = state.check(outer)
            item.update(valid=check.ok, sequence=check.kind, reason=None if check.ok else check.message,
                        note=check.message)
            if check.ok:
                state.record(outer)
        results.append(item)
    _warn_revoked(ctx, results)
    ok = all(r["valid"] for r in results)
    lines = []
    for r in results:
        if r["valid"]:
            lines.append(f"VALID    {r['file']}\n  device {r['device']} bundle {r['seq']} made {r['created_at']}, "
                         f"log of {r['log_size']} entries" + (f"\n  {r['note']}" if r.get("note") else ""))
        else:
            lines.append(f"INVALID  {r['file']}\n  {r['reason']}")
    ctx.emit({"valid": ok, "results": results}, "\n".join(lines))
    if not ok:
        raise RefusedError(f"{sum(not r['valid'] for r in results)} of {len(results)} bundles failed verification")
    return 0


def _warn_revoked(ctx: Context, results: list[dict[str, object]]) -> None:
    """With an explicit --vault (a field laptop that imported HQ updates): name bundles of devices HQ revoked."""
    if not ctx.opt("vault") or not any(r.get("device") for r in results):
        return
    from intake_app.updates.field import revoked  # noqa: PLC0415 - only when a vault is given

    with ctx.open_vault() as vault:
        if vault.role != "field":
            return
        for r in results:
            info = revoked(vault.conn, str(r["device"])) if r.get("device") else None
            if info is not None:
                r["revoked"] = info
                r["note"] = (f"{r.get('note') or ''} HQ revoked device {info['key_id']} on {info['revoked_at']} "
                             f"(its bundles after number {info['accept_up_to']} are not trusted)").strip()
                ctx.warn(f"bundle {r['file']} is from device {info['key_id']}, which HQ revoked on {info['revoked_at']}")


def cmd_import(ctx: Context) -> int:
    paths = [Path(f) for f in ctx.opt("files")]
    for p in paths:
        if not p.is_file():
            raise UsageError(f"no such bundle file: {p}")
    with ctx.open_vault() as vault:
        importer = Importer(vault)
        outcomes = [importer.import_file(p) for p in paths]
    lines = []
    for o in outcomes:
        who = f"{o.device_name or o.device or '?'} #{o.seq}" if o.seq else ""
        if o.status == "imported":
            lines.append(f"imported          {o.file}  {who}: {o.counts.get('new_revisions', 0)} new revisions, "
                         f"{o.counts.get('attachments', 0)} attachments")
        elif o.status == "already_imported":
            lines.append(f"already imported  {o.file}  {who} (nothing to do)")
        else:
            lines.append(f"REFUSED           {o.file}  {who}\n  {o.reason}")
        lines += [f"  warning: {w}" for w in o.warnings]
    ctx.emit({"results": [dataclasses.asdict(o) for o in outcomes]}, "\n".join(lines))
    refused = [o for o in outcomes if o.status == "refused"]
    if refused:
        raise RefusedError(f"{len(refused)} of {len(outcomes)} bundles were refused; the vault holds the others")
    return 0


def cmd_status(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        ring = Keyring(vault)
        devices = []
        for device in ring.devices():
            st = device_status(vault.conn, device.key_id)
            devices.append({"key_id": device.key_id, "name": device.name, "revoked_at": device.revoked_at,
                            "revocation_reason": device.revocation_reason, **st,
                            **update_status(vault.conn, device.key_id)})
        refusals = [dict(zip(("at", "file", "device", "reason"), r, strict=True)) for r in vault.conn.execute(
            "SELECT at, file_name, device, reason FROM import_refusals ORDER BY id DESC LIMIT 20")]
    lines = []
    for d in devices:
        flags = log_status.status_flags(d)
        if d["revoked_at"]:
            flags.append(f"REVOKED {d['revoked_at']}")
        sent = d["last_update_sent"]
        lines.append(f"{d['key_id']}  {d['name']:<20} last bundle {d['last_seq']:>4}  last seen {d['last_seen'] or '-'}"
                     + (f"\n  last update sent {sent['seq']} ({sent['created_at']}), acknowledging "
                        f"{d['bundles_acknowledged']} bundles up to {d['highest_bundle_acknowledged']}" if sent
                        else "\n  no update sent yet")
                     + (f"\n  {'; '.join(flags)}" if flags else ""))
    if refusals:
        lines.append("recent refusals:")
        lines += [f"  {r['at']}  {r['file']}: {r['reason']}" for r in refusals]
    ctx.emit({"devices": devices, "recent_refusals": refusals}, "\n".join(lines) or "no devices enrolled")
    return 0


# ---- conflicts
def _mark_text(marks: dict[str, Any]) -> str:
    out = ""
    if marks.get("from_another_device"):
        out += f"  [{marks['from_another_device']} from another device]"
    if marks.get("disputed"):
        out += "  [disputed: first recorded by " + " and ".join(marks["claimants"]) + "]"
    return out


def cmd_conflicts_list(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        items = conflicts_mod.list_conflicts(vault)
    lines = [f"{i['id']}  {i['heads']} versions  {', '.join(v or '(unnamed)' for v in i['summary'].get('victims', []))}"
             + _mark_text(i) for i in items]
    ctx.emit({"conflicts": items}, "\n".join(lines) or "no conflicts")
    return 0


def cmd_conflicts_show(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        sides = conflicts_mod.show_conflict(vault, ctx.opt("id"))
        marks = conflicts_mod.conflict_marks(vault, ctx.opt("id"))
    diffs = conflicts_mod.differences(sides[0].content, sides[1].content) if len(sides) == 2 else []
    lines = [f"testimony {ctx.opt('id')}  first recorded by device {marks['owner']}" + _mark_text(marks)]
    for s in sides:
        lines.append(f"--- revision {s.revision[:16]}  device {s.device}  {s.created_at}"
                     + ("  (deletion)" if s.tombstone else "") + ("  (current)" if s.current else "")
                     + ("  [from another device]" if s.from_another_device else ""))
        if s.content is not None:
            lines.append(json.dumps(s.content, ensure_ascii=False, indent=2, sort_keys=True))
    if diffs:
        lines.append("differs at: " + ", ".join(diffs))
    ctx.emit({"id": ctx.opt("id"), **marks, "versions": [dataclasses.asdict(s) for s in sides],
              "differences": diffs}, "\n".join(lines))
    return 0


def cmd_conflicts_resolve(ctx: Context) -> int:
    merged = None
    if ctx.opt("file"):
        try:
            merged = Path(ctx.opt("file")).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {ctx.opt('file')}: {exc.strerror}") from None
    with ctx.open_vault() as vault:
        before = {s.revision: s for s in conflicts_mod.show_conflict(vault, ctx.opt("id"))}
        rev = conflicts_mod.resolve(vault, ctx.opt("id"), take=ctx.opt("take"), merged=merged)
    kept = next((s for r, s in before.items() if ctx.opt("take") and r.startswith(ctx.opt("take").lower())), None)
    foreign = bool(kept and kept.from_another_device)
    ctx.emit({"id": ctx.opt("id"), "revision": rev, "kept": kept.revision if kept else None,
              "from_another_device": foreign},
             f"resolved {ctx.opt('id')}: merge revision {rev}"
             + ("  (kept the version from another device)" if foreign else ""))
    return 0


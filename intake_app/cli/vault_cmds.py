"""``intake vault …``: init, info, passwd, recover, erase, duress, unlock-limit."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable

from crypto import kdf
from crypto.errors import CryptoError
from crypto.fs import is_terminal
from intake_app.cli.context import Context
from intake_app.errors import RefusedError, UsageError
from intake_app.vault import unlock_guard
from intake_app.vault import vault as vault_mod
from intake_app.vault.vault import Vault


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    vault = sub.add_parser("vault", help="create, inspect, re-key or erase a vault", parents=[common])
    vsub = vault.add_subparsers(dest="vault_command", required=True, metavar="COMMAND")

    p = vsub.add_parser("init", help="create a vault; prints the recovery key once", parents=[common])
    p.add_argument("--role", choices=vault_mod.ROLES, default="field", help="field laptop or HQ (default: field)")
    p.add_argument("--new-passphrase-file", help="read the passphrase of the new vault from this file")
    p.set_defaults(func=cmd_init)

    p = vsub.add_parser("info", help="role, id, fingerprint, schema, KDF profile, counts", parents=[common])
    p.set_defaults(func=cmd_info)

    p = vsub.add_parser("passwd", help="change the passphrase (the database is untouched unless --rotate-data-key)",
                        parents=[common])
    p.add_argument("--new-passphrase-file", help="read the new passphrase from this file")
    p.add_argument("--rotate-data-key", action="store_true",
                   help="also replace the data key: re-key the database so copies of older key files are worthless; "
                        "prints a new recovery key unless --recovery-key-file or $INTAKE_RECOVERY_KEY gives the current one")
    p.add_argument("--recovery-key-file", help="with --rotate-data-key: keep this (current) recovery key")
    p.set_defaults(func=cmd_passwd)

    p = vsub.add_parser("recover", help="set a new passphrase using the recovery key", parents=[common])
    p.add_argument("--recovery-key-file", help="read the recovery key from this file")
    p.add_argument("--new-passphrase-file", help="read the new passphrase from this file")
    p.set_defaults(func=cmd_recover)

    p = vsub.add_parser("erase", help="crypto-erase: destroy the key material at once", parents=[common])
    p.add_argument("--yes", action="store_true", help="do not ask to type the vault id")
    p.set_defaults(func=cmd_erase)

    p = vsub.add_parser("duress", help="a second passphrase that erases the vault and then looks like a wrong one",
                        parents=[common])
    dsub = p.add_subparsers(dest="duress_command", required=True, metavar="ACTION")
    d = dsub.add_parser("set", help="set or replace it (from --duress-passphrase-file, $INTAKE_DURESS_PASSPHRASE "
                                    "or a prompt)", parents=[common])
    d.add_argument("--duress-passphrase-file", help="read the duress passphrase from this file")
    d.set_defaults(func=cmd_duress_set)
    d = dsub.add_parser("clear", help="remove it", parents=[common])
    d.set_defaults(func=cmd_duress_clear)
    d = dsub.add_parser("status", help="whether one is set (needs the passphrase)", parents=[common])
    d.set_defaults(func=cmd_duress_status)

    p = vsub.add_parser("unlock-limit", help="erase the vault after N failed unlocks (off by default)",
                        parents=[common])
    lsub = p.add_subparsers(dest="limit_command", required=True, metavar="ACTION")
    d = lsub.add_parser("set", help=f"N ({unlock_guard.MIN_LIMIT}–{unlock_guard.MAX_LIMIT}) or off", parents=[common])
    d.add_argument("value", metavar="N|off")
    d.set_defaults(func=cmd_limit_set)
    d = lsub.add_parser("status", help="the limit in force (needs the passphrase)", parents=[common])
    d.set_defaults(func=cmd_limit_status)


def _new_vault_passphrase(ctx: Context) -> str:
    # `init` takes the passphrase of the new vault from the usual sources, asking twice when it prompts.
    if ctx.opt("new_passphrase_file") or ctx.opt("passphrase_file"):
        return ctx.new_passphrase() if ctx.opt("new_passphrase_file") else ctx.passphrase()
    if ctx.has_env_secret("INTAKE_PASSPHRASE"):
        value = ctx.passphrase()
        if not value:
            raise UsageError("the passphrase is empty")
        return value
    return ctx.new_passphrase()


def cmd_init(ctx: Context) -> int:
    path = ctx.vault_path
    passphrase = _new_vault_passphrase(ctx)
    vault, recovery_text = Vault.create(path, passphrase, ctx.opt("role"))
    with vault:
        info = vault.info()
    doc = {
        "path": str(path),
        "vault_id": info.vault_id,
        "role": info.role,
        "fingerprint": info.fingerprint,
        "key_id": info.key_id,
        "kdf_profile": info.kdf_profile,
        "recovery_key": recovery_text,
    }
    text = (
        f"Created a {info.role} vault at {path}\n"
        f"Vault id:      {info.vault_id}\n"
        f"Signing key:   {info.key_id}\n"
        f"Fingerprint:   {info.fingerprint}\n"
        "               (read these digits aloud or compare them on paper when the key is enrolled)\n"
        "\n"
        "RECOVERY KEY (shown this once; write it on paper and keep it away from this laptop):\n"
        f"    {recovery_text}\n"
        "Without the passphrase and without this key, the vault cannot be opened by anyone.\n"
    )
    ctx.emit(doc, text)
    return 0


def cmd_info(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        info = vault.info()
    doc = dataclasses.asdict(info)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(info.counts.items())) or "none"
    kdf_line = f"{info.kdf_profile} (Argon2id m={info.kdf['m_kib'] // 1024} MiB, t={info.kdf['t']}, p={info.kdf['p']})"
    text = (
        f"Vault:          {info.path}\n"
        f"Role:           {info.role}\n"
        f"Vault id:       {info.vault_id}\n"
        f"Created:        {info.created_at}\n"
        f"Signing key:    {info.key_id}\n"
        f"Fingerprint:    {info.fingerprint}\n"
        f"Schema version: {info.schema_version}\n"
        f"KDF profile:    {kdf_line}\n"
        f"Records:        {counts}\n"
    )
    if info.kdf_profile == "fast":
        text += "WARNING: this vault uses the deliberately weak test KDF profile; do not store real testimony in it.\n"
    ctx.emit(doc, text)
    return 0


def cmd_passwd(ctx: Context) -> int:
    if ctx.opt("recovery_key_file") and not ctx.opt("rotate_data_key"):
        raise UsageError("--recovery-key-file goes with --rotate-data-key (a passphrase change keeps the recovery key)")
    vault = ctx.open_vault()
    with vault:
        new = ctx.new_passphrase()
        if not ctx.opt("rotate_data_key"):
            vault.change_passphrase(new)
            ctx.emit({"changed": True, "vault_id": vault.vault_id}, "Passphrase changed. The recovery key is unchanged.")
            return 0
        keep = ctx.recovery_key() if ctx.opt("recovery_key_file") or ctx.has_env_secret("INTAKE_RECOVERY_KEY") else None
        started = time.perf_counter()
        recovery_text = vault.rotate_data_key(new, recovery_text=keep)
        elapsed_ms = (time.perf_counter() - started) * 1000
    doc: dict[str, object] = {"changed": True, "vault_id": vault.vault_id, "data_key_rotated": True,
                              "elapsed_ms": round(elapsed_ms, 1)}
    if recovery_text is None:
        text = "Passphrase changed and data key replaced; the database is re-keyed. The recovery key is unchanged."
    else:
        doc["recovery_key"] = recovery_text
        text = (
            "Passphrase changed and data key replaced; the database is re-keyed.\n"
            "NEW RECOVERY KEY (shown this once; the old one no longer opens this vault; write it on paper):\n"
            f"    {recovery_text}\n"
        )
    ctx.emit(doc, text)
    return 0


def cmd_recover(ctx: Context) -> int:
    recovery_text = ctx.recovery_key()
    vault = Vault.open_with_recovery_key(ctx.vault_path, recovery_text)
    with vault:
        new = ctx.new_passphrase()
        vault.change_passphrase(new)
    ctx.emit({"changed": True, "vault_id": vault.vault_id},
             "New passphrase set with the recovery key. The recovery key stays valid.")
    return 0


def cmd_erase(ctx: Context) -> int:
    path = ctx.vault_path
    slots = vault_mod.read_key_slots(path)
    if not ctx.opt("yes"):
        if not is_terminal(sys.stdin):
            raise UsageError("erase asks to type the vault id on a terminal; pass --yes to erase without asking")
        ctx.err.write(
            f"This destroys the vault at {path} for ever. Nothing in it can be recovered afterwards,\n"
            f"not even with the recovery key. To confirm, type the vault id ({slots.vault_id}): "
        )
        ctx.err.flush()
        typed = sys.stdin.readline().strip()
        if typed != slots.vault_id:
            raise RefusedError("the vault id typed does not match; nothing was erased")
    started = time.perf_counter()
    vault_mod.erase(path)
    elapsed_ms = (time.perf_counter() - started) * 1000
    ctx.emit({"erased": True, "vault_id": slots.vault_id, "elapsed_ms": round(elapsed_ms, 1)},
             f"Vault {slots.vault_id} erased in {elapsed_ms:.0f} ms: its key material is destroyed.")
    return 0


def _opens(vault: Vault) -> Callable[[str], bool]:
    def opens(candidate: str) -> bool:
        try:
            vault_mod.read_key_slots(vault.path).unlock_with_passphrase(candidate)
        except CryptoError:
            return False
        return True
    return opens


def _duress_doc(vault: Vault) -> tuple[dict[str, object], str]:
    on = unlock_guard.duress_is_set(vault.conn)
    return ({"duress_passphrase_set": on, "vault_id": vault.vault_id},
            "A duress passphrase is set." if on else "No duress passphrase is set.")


def cmd_duress_set(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        duress = ctx.duress_passphrase()
        unlock_guard.set_duress(vault.path, vault.conn, duress, _opens(vault))
        doc, _ = _duress_doc(vault)
    ctx.emit(doc, "Duress passphrase set. Typed at unlock, it erases this vault and then looks like a wrong "
                  "passphrase.")
    return 0


def cmd_duress_clear(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        unlock_guard.set_duress(vault.path, vault.conn, None, _opens(vault))
        doc, _ = _duress_doc(vault)
    ctx.emit(doc, "Duress passphrase removed.")
    return 0


def cmd_duress_status(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        doc, text = _duress_doc(vault)
    ctx.emit(doc, text)
    return 0


def _limit_doc(vault: Vault) -> tuple[dict[str, object], str]:
    limit = unlock_guard.db_limit(vault.conn)
    text = (f"After {limit} failed unlocks in a row this vault erases itself." if limit
            else "No failed-unlock limit: failed unlocks are counted but never erase the vault.")
    return {"unlock_limit": limit or None, "vault_id": vault.vault_id}, text


def cmd_limit_set(ctx: Context) -> int:
    raw = str(ctx.opt("value")).strip().lower()
    if raw == "off":
        limit = 0
    elif raw.isascii() and raw.isdigit() and unlock_guard.MIN_LIMIT <= int(raw) <= unlock_guard.MAX_LIMIT:
        limit = int(raw)
    else:
        raise UsageError(f"the failed-unlock limit is a number from {unlock_guard.MIN_LIMIT} to "
                         f"{unlock_guard.MAX_LIMIT}, or off (not {raw!r}); nothing was changed")
    with ctx.open_vault() as vault:
        unlock_guard.set_limit(vault.path, vault.conn, limit)
        doc, text = _limit_doc(vault)
    ctx.emit(doc, text)
    return 0


def cmd_limit_status(ctx: Context) -> int:
    with ctx.open_vault() as vault:
        doc, text = _limit_doc(vault)
    ctx.emit(doc, text)
    return 0


def kdf_warning(ctx: Context) -> None:
    if kdf.fast_profile_requested():
        ctx.warn("INTAKE_KDF_PROFILE=fast: new key slots use deliberately weak Argon2id parameters (tests only)")

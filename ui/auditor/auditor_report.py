"""The auditor's verification of a set of bundles, and its report as text or JSON (no vault, no secret).

For each bundle: the archive and the payload signature (by one of the trusted device keys), the checkpoint and its
signature, the audit log leaves against the checkpoint's root, then the sequence: against the auditor's state folder
when one is given (bundles seen in earlier runs), otherwise within the chosen set alone (a throwaway state, so a gap or
a rewritten log between the chosen bundles is still found). Nothing is decrypted. The work runs on a worker thread;
this module touches no widget.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crypto.signing import PublicKey
from intake_app.bundles.auditor_state import AuditorState
from intake_app.bundles.keyring import parse_device_key_file, read_key_file
from intake_app.bundles.verify import BundleRefused, OuterBundle, pinned, verify_outer
from intake_app.display import clean_text
from intake_app.errors import IntakeError
from ui.common.refusal_reasons import translate_reason
from ui.i18n import N_, tr, trn

REPORT_FORMAT = "testimony-intake-audit-report/1"
STEPS = ("signature", "checkpoint", "log", "sequence")
OK, FAILED, NOT_CHECKED = "ok", "failed", "not-checked"

STEP_LABELS: dict[str, str] = {
    "signature": N_("Archive and signature"),
    "checkpoint": N_("Checkpoint"),
    "log": N_("Audit log"),
    "sequence": N_("Sequence"),
}


class KeyFileError(IntakeError):
    """A trusted device key file could not be read; ``file`` names it."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(message)
        self.file = file


@dataclass
class TrustedKey:
    file: str
    key_id: str
    fingerprint: str


@dataclass
class BundleResult:
    file: str
    valid: bool
    steps: dict[str, str]
    reason: str | None = None  # the core's message (English), when invalid
    sequence: str | None = None  # first | next | replay | gap | fork | log-rewritten
    note: str | None = None  # the sequence check's message (English)
    device: str | None = None
    seq: int | None = None
    bundle_id: str | None = None
    created_at: str | None = None
    log_size: int | None = None
    manifest_sha256: str | None = None
    fingerprint: str | None = None
    # The folder the file was read from: a good and a tampered copy of the same name are told apart by it.
    folder: str = ""


@dataclass
class AuditReport:
    generated_at: str
    state_folder_used: bool
    trusted_keys: list[TrustedKey]
    results: list[BundleResult] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.results) and all(r.valid for r in self.results)


def load_keys(key_files: list[Path]) -> dict[bytes, tuple[PublicKey, TrustedKey]]:
    """Parse the trusted device key files; raise KeyFileError naming the first bad one."""
    keys: dict[bytes, tuple[PublicKey, TrustedKey]] = {}
    for path in key_files:
        try:
            key = parse_device_key_file(read_key_file(path))
        except IntakeError as exc:
            raise KeyFileError(clean_text(path.name), str(exc)) from None
        keys[key.key_id] = (key, TrustedKey(clean_text(path.name), key.key_id_hex, key.fingerprint()))
    return keys


def _failed_step(message: str) -> str:
    if "checkpoint" in message:
        return "checkpoint"
    if "leaves" in message or "the log was altered" in message:
        return "log"
    return "signature"


def _steps_until(failed: str) -> dict[str, str]:
    index = STEPS.index(failed)
    return {step: OK if i < index else FAILED if i == index else NOT_CHECKED for i, step in enumerate(STEPS)}


def verify_bundles(bundles: list[Path], key_files: list[Path], state_dir: Path | None,
                   progress: Callable[[int, int], None] | None = None) -> AuditReport:
    """Verify every bundle against the trusted keys; see the module docstring for the checks and their order."""
    keys = load_keys(key_files)
    report = AuditReport(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), state_dir is not None,
                         [trusted for _, trusted in keys.values()])

    def resolve(key_id: bytes) -> PublicKey:
        if key_id not in keys:
            raise BundleRefused(f"the bundle is signed by key {key_id[::-1].hex().upper()}, which is not among the "
                                "trusted device keys")
        return pinned(keys[key_id][0])(key_id)

    verified: list[OuterBundle] = []
    for done, path in enumerate(bundles):
        try:
            verified.append(verify_outer(path, resolve))
        except IntakeError as exc:
            message = str(exc)
            report.results.append(BundleResult(clean_text(path.name), False, _steps_until(_failed_step(message)),
                                               reason=message, folder=clean_text(str(path.parent))))
        if progress is not None:
            progress(done + 1, len(bundles))
    # The sequence check wants each device's bundles in order, whatever order they were picked in.
    verified.sort(key=lambda o: (o.comment.device, o.comment.seq))
    with tempfile.TemporaryDirectory(prefix="audit-state-") as scratch:
        state = AuditorState(state_dir if state_dir is not None else Path(scratch))
        for outer in verified:
            report.results.append(_sequence_result(outer, state))
    return report


def _sequence_result(outer: OuterBundle, state: AuditorState) -> BundleResult:
    c = outer.comment
    check = state.check(outer)
    if check.ok:
        state.record(outer)
    steps = {step: OK for step in STEPS}
    steps["sequence"] = OK if check.ok else FAILED
    return BundleResult(
        clean_text(outer.path.name), check.ok, steps, reason=None if check.ok else check.message,
        sequence=check.kind, note=check.message, device=c.device, seq=c.seq, bundle_id=c.bundle_id, created_at=c.created_at,
        log_size=c.log_size, manifest_sha256=c.manifest_sha256, fingerprint=outer.key.fingerprint(),
        folder=clean_text(str(outer.path.parent)))


def report_json(report: AuditReport) -> str:
    """The report as JSON (English keys and the core's English reasons, for other tools)."""
    doc = {"format": REPORT_FORMAT, "generated_at": report.generated_at, "valid": report.valid,
           "state_folder_used": report.state_folder_used,
           "trusted_keys": [asdict(k) for k in report.trusted_keys],
           "results": [asdict(r) for r in report.results]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def step_status_text(status: str) -> str:
    return {OK: tr("passed"), FAILED: tr("FAILED"), NOT_CHECKED: tr("not checked")}.get(status, status)


def result_explanation(result: BundleResult) -> str:
    """One line for a person: why a bundle is invalid, or what its sequence check found."""
    return translate_reason(result.reason or result.note or "")


def report_text(report: AuditReport) -> str:
    """The report as plain text in the current language, for printing or filing."""
    valid = sum(r.valid for r in report.results)
    lines = [tr("Bundle verification report"), tr("Made on {when} (UTC)", when=report.generated_at),
             trn("{valid} of {total} bundle valid", "{valid} of {total} bundles valid", len(report.results),
                valid=valid, total=len(report.results)),
             tr("State folder: {used}", used=tr("used") if report.state_folder_used else tr("not used")), "",
             tr("Trusted device keys:")]
    lines += [f"  {k.key_id}  {k.fingerprint}  ({k.file})" for k in report.trusted_keys]
    for r in report.results:
        lines += ["", f"{tr('VALID') if r.valid else tr('INVALID')}  {clean_text(r.file)}",
                  "  " + tr("Folder: {folder}", folder=r.folder)]
        if r.device is not None:
            lines.append("  " + tr("Device {device}, bundle {seq}, made {when}, audit log of {size} entries",
                                   device=clean_text(r.device), seq=r.seq, when=clean_text(r.created_at or ""),
                                   size=r.log_size))
        for step in STEPS:
            lines.append(f"  {tr(STEP_LABELS[step])}: {step_status_text(r.steps.get(step, NOT_CHECKED))}")
        lines.append("  " + clean_text(result_explanation(r)))
    return "\n".join(lines) + "\n"

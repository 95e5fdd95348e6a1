"""What an auditor remembers between runs (``--state DIR``): per device, the bundles seen and the last log's leaves.

Files, written atomically: ``<KEYID>.json`` = {"device", "last_seq", "manifests": {"<seq>": "<manifest sha256>"}}
and ``<KEYID>.leaves`` = the leaves of the bundle numbered ``last_seq``. No secret and no content: only what every
bundle shows in the clear.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from crypto.atomic_file import write_atomic
from crypto.checkpoint import is_prefix_growth
from intake_app.bundles.verify import OuterBundle
from intake_app.errors import UsageError
from intake_app.vault.private_fs import make_private_dir

MAX_STATE = 64 << 20


@dataclass(frozen=True)
class SequenceCheck:
    ok: bool
    kind: str  # first | next | late | replay | gap | fork | log-rewritten
    message: str


class AuditorState:
    def __init__(self, directory: Path) -> None:
        make_private_dir(directory)
        self.dir = directory

    def _load(self, device: str) -> dict[str, object] | None:
        path = self.dir / f"{device}.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_bytes()[:MAX_STATE])
            if not isinstance(data, dict) or data.get("device") != device or type(data.get("last_seq")) is not int:
                raise ValueError
        except ValueError:
            raise UsageError(f"the auditor state file {path} is damaged; move it aside to start afresh") from None
        return data

    def check(self, bundle: OuterBundle) -> SequenceCheck:
        c = bundle.comment
        state = self._load(c.device)
        if state is None:
            return SequenceCheck(True, "first", f"first bundle seen from device {c.device} (number {c.seq})")
        last = int(state["last_seq"])  # type: ignore[call-overload]
        manifests = state.get("manifests")
        seen = manifests.get(str(c.seq)) if isinstance(manifests, dict) else None
        if seen is not None:
            if seen == c.manifest_sha256:
                return SequenceCheck(True, "replay", f"bundle {c.seq} was already verified (the same bundle again)")
            return SequenceCheck(False, "fork", f"FORK: another bundle numbered {c.seq} from this device was verified "
                                                "before (a restored or cloned laptop?)")
        leaves_path = self.dir / f"{c.device}.leaves"
        old = leaves_path.read_bytes() if leaves_path.exists() else b""
        if c.seq <= last:
            if is_prefix_growth(bundle.leaves, old):
                return SequenceCheck(True, "late", f"bundle {c.seq} arrives after bundle {last}; its log is an earlier "
                                                   "state of the one already verified")
            return SequenceCheck(False, "fork", f"FORK: bundle {c.seq} arrives after bundle {last} and its audit log "
                                                "does not lead to the one already verified")
        if c.seq > last + 1:
            return SequenceCheck(False, "gap", f"bundles {last + 1}..{c.seq - 1} are missing: verify them first")
        if not is_prefix_growth(old, bundle.leaves):
            return SequenceCheck(False, "log-rewritten",
                                 "the device's audit log did not only grow since the previous bundle: entries were "
                                 "changed or removed")
        return SequenceCheck(True, "next", f"follows bundle {last}; the audit log only grew")

    def record(self, bundle: OuterBundle) -> None:
        c = bundle.comment
        state = self._load(c.device) or {"device": c.device, "last_seq": 0, "manifests": {}}
        manifests = dict(state.get("manifests") or {})  # type: ignore[call-overload]
        manifests[str(c.seq)] = c.manifest_sha256
        if c.seq >= int(state["last_seq"]):  # type: ignore[call-overload]
            write_atomic(self.dir / f"{c.device}.leaves", bundle.leaves)
            state["last_seq"] = c.seq
        state["manifests"] = manifests
        write_atomic(self.dir / f"{c.device}.json", json.dumps(state, sort_keys=True, indent=1).encode())

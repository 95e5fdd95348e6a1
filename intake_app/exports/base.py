"""What an exporter is given and what it gives back (no vault access: only the Release and the request)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from crypto import age
from intake_app.exports.consent import Release


@dataclass(frozen=True)
class ExportRequest:
    """One export as asked: the format, the purpose, the mentions considered, where to write and how."""

    format: str
    purpose: str
    mentions: tuple[str, ...]
    out_dir: Path
    subject: str = ""
    accept_conditions: bool = False
    allow_incomplete: bool = False
    recipients: tuple[age.X25519Recipient, ...] = ()
    who: str | None = None
    person_of: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """An export rendered in memory: its files, the minimum elements it lacks, and facts for the summary."""

    files: tuple[tuple[str, bytes], ...]
    missing: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


class Exporter(Protocol):
    format: str
    purposes: tuple[str, ...]
    also_required: tuple[str, ...]

    def render(self, release: Release, request: ExportRequest) -> Rendered:
        """Render ``release`` (call ``release.require`` first); never read anything else."""
        ...

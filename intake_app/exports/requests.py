"""Build an :class:`ExportRequest` from what a coordinator asks (CLI and GUI alike): format, subject, purpose, folder.

Only ids are resolved here (the mentions of a person, of a perpetrator, of the archive); what may leave is decided by
``consent.decide`` inside the pipeline.
"""

from __future__ import annotations

from pathlib import Path

from intake_app.errors import UsageError
from intake_app.exports import batched, dossier, settings, sources
from intake_app.exports.base import ExportRequest
from intake_app.exports.output import parse_recipients
from intake_app.vault.vault import Vault

PURPOSES = {"wgeid": ("wgeid",), "uwazi": ("publication", "reports"), "dossier": ("government_partners",)}


def build_request(vault: Vault, fmt: str, subject: str, purpose: str, out_dir: Path, *, lang: str = "en",
                  accept_conditions: bool = False, allow_incomplete: bool = False, encrypt_to: str | None = None,
                  who: str | None = None) -> ExportRequest:
    """The request for ``fmt`` (``wgeid`` needs a person, ``dossier`` a perpetrator, ``uwazi`` none)."""
    if fmt not in PURPOSES:
        raise UsageError(f"unknown export format {fmt!r}")
    if purpose not in PURPOSES[fmt]:
        raise UsageError(f"{fmt} exports are for {' or '.join(PURPOSES[fmt])}, not {purpose!r}")
    recipients = tuple(parse_recipients(encrypt_to)) if encrypt_to else ()
    options: dict[str, object] = {"organisation": settings.load(vault)}
    if fmt == "wgeid":
        mentions = sources.mentions_of(vault, subject)
        options["lang"] = lang
    elif fmt == "dossier":
        target = dossier.load_subject(vault, subject)
        mentions = list(target.mentions)
        options["profile"] = target
    else:
        mentions, subject = sources.all_mentions(vault), "archive"
    return ExportRequest(format=fmt, purpose=purpose, mentions=tuple(mentions), out_dir=out_dir, subject=subject,
                         accept_conditions=accept_conditions, allow_incomplete=allow_incomplete,
                         recipients=recipients, who=who, person_of=batched.linked_persons(vault), options=options)

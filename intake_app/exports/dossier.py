"""Sanctions dossier (filled in below once the perpetrator profile is available)."""

from __future__ import annotations

from intake_app.exports.base import ExportRequest, Rendered
from intake_app.exports.consent import Release


class DossierExporter:
    format: str = "dossier"
    purposes: tuple[str, ...] = ("government_partners",)
    also_required: tuple[str, ...] = ("perpetrator_profiling",)

    def render(self, release: Release, request: ExportRequest) -> Rendered:
        release.require(request.purpose, *self.also_required)
        raise NotImplementedError


EXPORTER = DossierExporter()

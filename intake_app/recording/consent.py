"""May this testimony be recorded? The one place that decides; the GUI shows the answer and the core enforces it.

Recording needs the testimony's saved consent for ``recording`` to be ``granted``, or ``conditional`` with the
interviewer acknowledging the conditions (shown to them first). Anything else — not asked, refused, withdrawn — refuses,
with a reason in Korean and English that the recorder's button shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake_app.errors import RefusedError
from intake_app.records.interchange_model import Testimony

PURPOSE = "recording"

_REASONS: dict[str, dict[str, str]] = {
    "not_asked": {
        "ko": "녹음 동의를 아직 받지 않았습니다. 동의 탭에서 답을 기록하고 저장하세요.",
        "en": "Consent to recording was not asked yet: record the answer on the Consent tab and save.",
    },
    "refused": {
        "ko": "증언자가 녹음을 거부했습니다.",
        "en": "The interviewee refused recording.",
    },
    "withdrawn": {
        "ko": "증언자가 녹음 동의를 철회했습니다.",
        "en": "The interviewee withdrew consent to recording.",
    },
    "unacknowledged": {
        "ko": "조건부 동의입니다. 조건을 읽고 지키겠다고 확인해야 녹음할 수 있습니다.",
        "en": "Consent is conditional: read the conditions and confirm you will respect them before recording.",
    },
}


@dataclass(frozen=True)
class RecordingConsent:
    """The decision for ``recording`` and what it means for the recorder."""

    value: str  # granted, conditional, refused, withdrawn, not_asked
    conditions: str | None

    @property
    def needs_acknowledgement(self) -> bool:
        return self.value == "conditional"

    def allowed(self, *, acknowledged: bool) -> bool:
        return self.value == "granted" or (self.value == "conditional" and acknowledged)

    def reason(self, *, acknowledged: bool) -> dict[str, str] | None:
        """Why recording is not allowed (``{"ko": ..., "en": ...}``), or None when it is."""
        if self.allowed(acknowledged=acknowledged):
            return None
        if self.value == "conditional":
            return dict(_REASONS["unacknowledged"])
        return dict(_REASONS.get(self.value, _REASONS["not_asked"]))


def recording_consent(testimony: Testimony) -> RecordingConsent:
    """The saved decision for ``recording``; a purpose never recorded counts as not asked (never as granted)."""
    decision = testimony.consent_for(PURPOSE)
    if decision is None:
        return RecordingConsent("not_asked", None)
    conditions = decision.conditions.strip() if decision.conditions else None
    return RecordingConsent(decision.value, conditions or None)


def require_recording_consent(testimony: Testimony, *, acknowledged: bool) -> RecordingConsent:
    """Raise :class:`RefusedError` (English reason) unless recording is allowed; return the decision otherwise."""
    consent = recording_consent(testimony)
    reason = consent.reason(acknowledged=acknowledged)
    if reason is not None:
        raise RefusedError(reason["en"])
    return consent

"""The coordinator's decisions in both registries (persons, perpetrators), checked one way: the same input cleaning
and the same error wording for a reason, a chosen name and an unknown id.

Cleaning: runs of whitespace (newlines included) become one space and the ends are trimmed; an empty result is "not
given". A reason is at most :data:`MAX_REASON` characters; a name is one printable line of at most ``limit``.
"""

from __future__ import annotations

from intake_app.errors import UsageError

MAX_REASON = 2000


def one_line(text: str | None) -> str | None:
    """``text`` with whitespace runs collapsed to one space and trimmed; None when nothing is left."""
    return " ".join(text.split()) or None if text is not None else None


def clean_reason(reason: str | None, *, required_for: str | None = None) -> str | None:
    """The cleaned reason. ``required_for`` names the decision that needs one (``"not the same person"``)."""
    cleaned = one_line(reason)
    if cleaned is not None and len(cleaned) > MAX_REASON:
        raise UsageError(f"a --reason is at most {MAX_REASON} characters")
    if required_for is not None and cleaned is None:
        raise UsageError(f"give a --reason (why {required_for})")
    return cleaned


def clean_name(name: str | None, *, limit: int) -> str | None:
    """The cleaned preferred name, or None to clear it."""
    cleaned = one_line(name)
    if cleaned is not None and (len(cleaned) > limit or not cleaned.isprintable()):
        raise UsageError(f"a name is one printable line of at most {limit} characters")
    return cleaned


def unknown(what: str, ident: str, hint: str = "") -> UsageError:
    """The error for an id the registry does not hold: ``no person 'P-…'`` (+ ``hint`` in parentheses)."""
    return UsageError(f"no {what} {ident!r}" + (f" ({hint})" if hint else ""))

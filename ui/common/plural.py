"""English singular and plural of counted phrases ("1 testimony", "2 testimonies"); Korean has one form for both.

Each phrase is a pair of message ids, the first for a count of one: both are in the catalogue, so the completeness
test checks them like any other string.
"""

from __future__ import annotations

from ui.i18n import N_, tr

PHRASES: dict[str, tuple[str, str]] = {
    "testimonies": (N_("{count} testimony"), N_("{count} testimonies")),
    "versions": (N_("{count} new or changed testimony version"), N_("{count} new or changed testimony versions")),
    "attached_files": (N_("{count} attached file"), N_("{count} attached files")),
    "audit_entries": (N_("{count} audit-log entry"), N_("{count} audit-log entries")),
    "new_revisions": (N_("{count} new revision"), N_("{count} new revisions")),
    "attachments": (N_("{count} attachment"), N_("{count} attachments")),
}


def counted(phrase: str, count: int) -> str:
    """``counted("testimonies", 1)`` → "1 testimony"; the plural for every other count, 0 included."""
    pair = PHRASES[phrase]
    return tr(pair[0], count=count) if count == 1 else tr(pair[1], count=count)

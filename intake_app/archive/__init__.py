"""Reference records: the archives the NGO and its partners already hold, imported at HQ (issue 31).

A reference record (a person, an act or a perpetrator/unit from an outside archive) is never a testimony: it has no
witness, no consent and no device, and it never leaves HQ (every export refuses it with ``reference_only``). See
docs/archive-import.md.

May import: crypto; intake_app's errors, display, resources, vault, search, records, consolidation, persons,
perpetrators and stats.
"""

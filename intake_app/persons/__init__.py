"""HQ's person registry (issue 14): mentions of victims across testimonies, linked into persons by the coordinator.

A layer above the testimonies: it reads their current revisions and never changes one. Name keys come from
intake_app.consolidation.names (shared with the perpetrator registry).
May import: crypto; intake_app's errors, display, resources, collector, vault, search, records and consolidation.
"""

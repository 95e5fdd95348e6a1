"""HQ's perpetrator registry: entries (people, units, facilities) named in testimonies, the unit hierarchy, candidates
for "the same perpetrator", links and decisions, and the profile a sanctions dossier is built from.

A layer above the testimonies and the person registry; statistics and exports sit above it.
May import: crypto; intake_app's errors, display, resources, vault, search, records, consolidation and persons.
"""

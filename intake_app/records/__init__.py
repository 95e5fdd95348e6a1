"""Testimonies: the interchange format and its validation, revisions (a DAG per record), uncertain dates, vocabularies,
attachments and conflicts.

May import crypto, intake_app.vault and intake_app.search; never bundles, consolidation, exports or cli.
"""

"""Testimonies: the interchange format and its validation, revisions (a DAG per record), uncertain dates, vocabularies,
attachments and conflicts.

May import: crypto; intake_app's errors, display, resources, vault and search.
"""

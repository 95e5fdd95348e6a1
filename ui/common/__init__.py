"""Pieces every role's screens share: the database worker, tasks, fonts, settings, idle lock, main window, list model
and detail view.

May import ui.i18n and the core; never ui.start, ui.field, ui.hq or ui.auditor.
"""

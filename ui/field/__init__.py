"""The interviewer's screens: the testimony list, detail, editor, attachments, history, autosave and the export dialog.

May import ui.common, ui.i18n, ui.start and the core; never ui.hq.
"""

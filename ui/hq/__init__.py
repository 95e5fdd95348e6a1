"""The coordinator's screens: devices, import, conflicts, the consolidated list and HQ setup.

May import ui.common, ui.i18n, ui.start, ui.auditor and the core; never ui.field.
"""

"""Getting in: the first-run wizard, unlock and recovery screens, HQ key pinning, passphrase fields.

May import ui.common, ui.i18n and the core; never ui.field, ui.hq or ui.auditor.
"""

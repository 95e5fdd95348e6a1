"""Auditor mode: verify bundles and audit logs without a vault, and its report.

May import ui.common, ui.i18n and the core; never ui.field or ui.hq.
"""

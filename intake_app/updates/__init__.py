"""HQ → field updates: receipts, HQ key changes, revocations, vocabulary additions and policy (issue 17).

May import: crypto; intake_app's errors, display, resources, vault, search, records and bundles.
"""

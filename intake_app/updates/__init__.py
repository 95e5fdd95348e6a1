"""HQ → field updates: receipts, HQ key changes, revocations, vocabulary additions and policy (issue 17)."""

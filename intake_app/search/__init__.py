"""Full-text search: the n-gram tokenizer (CJK-style) and the FTS5 index whose results equal a substring scan.

May import: crypto; intake_app's errors and vault.
"""

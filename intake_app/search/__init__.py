"""Full-text search: the CJK bigram tokenizer and the FTS5 index whose results equal a substring scan.

May import: crypto; intake_app's errors and vault.
"""

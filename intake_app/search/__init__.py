"""Full-text search: the CJK bigram tokenizer and the FTS5 index whose results equal a substring scan.

May import crypto and intake_app.vault; never records, bundles, consolidation, exports or cli.
"""

"""The vault on disk: the SQLCipher database and its migrations, the key slots' use, private files, the encrypted blob
store and the device's append-only audit log.

May import crypto and intake_app.errors only: nothing above it (records, search, bundles, consolidation, exports, cli).
"""

"""The vault on disk: the SQLCipher database and its migrations, the key slots' use, private files, the encrypted blob
store and the device's append-only audit log.

The bottom of the core: may import: crypto; intake_app's errors.
"""

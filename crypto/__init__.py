"""Cryptographic building blocks of Testimony Intake.

Key derivation, key slots, Ed25519 signing keys and fingerprints, minisign signatures, the age file format and RFC 6962
Merkle trees. Nothing here imports Qt or the application core: ``intake_app`` builds on this package, never the reverse.
"""

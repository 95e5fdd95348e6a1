"""Bundles between laptops and HQ: the ustar/age/minisign format, export, auditor verification and state, HQ import, the
key ring.

May import: crypto; intake_app's errors, display, resources, vault, search and records.
"""

"""HQ's work above the testimonies: name keys, and (next) persons, perpetrators and statistics.

May import crypto, intake_app.vault, records and search; never bundles, exports or cli.
"""

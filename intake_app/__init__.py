"""Testimony Intake core: vaults, records, bundles and the ``intake`` command line. Never imports Qt."""

__version__ = "0.1.0"

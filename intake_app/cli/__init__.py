"""The ``intake`` command line: a thin layer over the core that owns argument parsing, secrets input and output."""

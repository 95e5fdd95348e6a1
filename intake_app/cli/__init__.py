"""The ``intake`` command line: a thin layer over the core that owns argument parsing, secrets input and output.

The top of the core: may import: crypto; intake_app's errors, display, resources, vault, search, records, recording,
consolidation, persons, perpetrators, stats, archive, bundles, updates, exports and wiring.
"""

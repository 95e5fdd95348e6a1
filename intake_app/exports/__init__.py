"""External exports (UN WGEID cases, Uwazi, sanctions dossiers, statistics CSV), each limited to what the witnesses
consented to.

``consent.decide`` is the one place that decides what may leave; ``pipeline.run_export`` is the one place that writes
an export and its audit entry (``decision`` holds the consent rules as pure functions). Exporters (``wgeid``,
``uwazi``, ``dossier``, ``stats_csv``) render a :class:`~consent.Release` into
bytes in memory and never read the vault.

Uses bundles for the key ring's recipient parsing and the registries for which mentions belong to whom. Imported by
the CLI (``cli/export_cmds.py``) and the HQ GUI only.
May import: crypto; intake_app's errors, display, resources, collector, csv_cells, vault, search, records,
consolidation, persons, perpetrators, stats, archive and bundles.
"""

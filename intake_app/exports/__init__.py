"""External exports (UN WGEID cases, Uwazi, sanctions dossiers), each limited to what the witnesses consented to.

``consent.decide`` is the one place that decides what may leave; ``pipeline.run_export`` is the one place that writes
an export and its audit entry. Exporters (``wgeid``, ``uwazi``, ``dossier``) render a :class:`~consent.Release` into
bytes in memory and never read the vault.
"""

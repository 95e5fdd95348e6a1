"""Statistics over the archive: dimensions, the derived fact table and the counting (issue 15).

Above both registries (it counts persons and perpetrator units); only exports and the CLI sit above it.
May import: crypto; intake_app's errors, display, resources, csv_cells, vault, search, records, consolidation,
persons and perpetrators.
"""

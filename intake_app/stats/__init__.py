"""Statistics over the archive: dimensions, the derived fact table and the counting (issue 15)."""

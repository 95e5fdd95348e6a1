"""HQ's work above the testimonies shared by both registries: name keys and the name rules.

May import: crypto; intake_app's errors, display, resources, vault, search and records.
"""

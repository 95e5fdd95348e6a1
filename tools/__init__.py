"""Developer tools that are not part of the app: screenshot renderers and demo-data generators.

Nothing in crypto, intake_app or ui may import this package; it is left out of the frozen build.
"""

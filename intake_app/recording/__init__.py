"""Audio recorded in the app straight into encrypted storage (issue 18): consent, the encrypted journal, WAV, recovery.

Qt-free: the GUI (``ui/field/recorder*.py``) captures samples with Qt Multimedia and hands them to :mod:`.capture`.
May import: crypto; intake_app's errors, display, resources, vault, search and records.
"""

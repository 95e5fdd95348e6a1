"""The testimony editor: interview, interviewee, consent, narrative, victims with their names and acts.

``TestimonyEditor`` (``editor_page.py``) is the page; each part of the form is its own module with ``load(dict)`` and
``dump() -> dict`` in the interchange format (docs/interchange.md), so the editor state can be saved as a draft (any
state) or validated and saved as a revision.
"""

from ui.field.editor.editor_page import TestimonyEditor

__all__ = ["TestimonyEditor"]

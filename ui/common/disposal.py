"""Taking a child widget away for good: :func:`discard`.

A slot connected as a plain callable (``partial(self.keep, revision)``, a lambda over ``self``) holds a strong reference
to the object it calls, often the child's own page or dialog. When that connection is the page's last reference, the
child's deferred deletion drops it, and the page is destroyed *inside its own child's destructor*: the page then
deletes that child a second time ("QObject: shared QObject was deleted directly", then a heap corruption that glibc
reports later, e.g. ``malloc_consolidate(): unaligned fastbin chunk detected``). The suite hit this after a test's
Conflicts page had gone out of scope. Taken out of its parent first, the child is no longer the page's to delete.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def discard(widget: QWidget) -> None:
    """Hide ``widget``, take it out of its parent (and so out of any layout), and delete it once control returns to
    the event loop. Use this instead of a bare ``deleteLater()`` for any child widget that may go away before its
    parent."""
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()

"""CPython's cyclic garbage collector, paused around work that makes and drops a great many acyclic objects.

Such work makes no reference cycles (what it drops is freed by reference counting), but the collector runs after
every few hundred container allocations and, now and then, walks every object still alive. A consent decision builds a
Release of tens of thousands of released mentions, each a handful of objects, and walking them again and again was
about 15% of a decision over an archive (docs/performance.md, issue 30 third pass). The person registry's filing and
pair phases parse, score and drop millions of small dicts and lists (features, reasons): the collector was 12-26 % of
them (issue 30, eighth pass). Pausing it is the usual remedy (Mercurial's ``util.nogc`` does the same); anything
cyclic made meanwhile, by any thread, is collected once the collector is back.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the ``with`` block, and restored as it was after (left off if it was off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

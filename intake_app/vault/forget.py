"""Caches of what was read from a vault, emptied when a vault locks.

A few pure functions keep a bounded cache of what they computed from decrypted content or a key: name forms and name
readings, parsed dates, consent objects, the reference key's prepared HMAC. Each registers its cache here
(:func:`on_lock`), and :meth:`intake_app.vault.vault.Vault.lock` empties them all (:func:`forget_all`): once a vault is
locked, nothing read from it stays reachable through them. As for the data key, this is best effort in Python: memory
that was already freed is not overwritten.
"""

from __future__ import annotations

import contextlib
from typing import Any, Protocol, TypeVar


class Cache(Protocol):
    """What :func:`functools.lru_cache` makes."""

    def cache_clear(self) -> None: ...

    def cache_info(self) -> Any: ...


C = TypeVar("C", bound=Cache)
_CACHES: dict[str, Cache] = {}


def on_lock(cache: C) -> C:
    """Register ``cache`` under its module and name (idempotent; usable as a decorator above
    ``functools.lru_cache``)."""
    _CACHES[f"{getattr(cache, '__module__', '?')}.{getattr(cache, '__qualname__', repr(cache))}"] = cache
    return cache


def registered() -> dict[str, Cache]:
    return dict(_CACHES)


def forget_all() -> None:
    """Empty every registered cache."""
    for cache in _CACHES.values():
        with contextlib.suppress(Exception):
            cache.cache_clear()

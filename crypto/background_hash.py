"""Hash a stream's blocks on a helper thread while the caller goes on with the same blocks, without copying them.

Bundle import and export pass every byte through a hash (the payload's BLAKE2b-512 for its signature, each
attachment's SHA-256) and through a cipher. :class:`BackgroundHasher` lets the two overlap: the caller takes a buffer
from a small pool (:meth:`buffer`), fills it, hands it over (:meth:`submit`) and goes on reading it (to decrypt or
encrypt it); the helper hashes it and puts it back in the pool. hashlib releases the GIL while it hashes a block, so
where a second core is free the hash costs the caller no time; where none is, the helper takes turns with the caller
on one core and the work is what it would be on one thread (no block is copied; a few queue operations per MiB).

The rule for the caller: a submitted buffer may be read (never written) until the caller asks for its next buffer.
A buffer comes back from the pool only once it is hashed and the caller has moved on, so it is never refilled while
either side still reads it. Memory is ``pool * block`` bytes whatever the stream's size.

With ``threaded=False`` the same calls hash inline on the caller's thread (for a machine with one core, and so that
tests can run both ways).
"""

from __future__ import annotations

import queue
import threading
from typing import Final, Protocol

from crypto import fs

DEFAULT_BLOCK: Final = 1 << 20
DEFAULT_POOL: Final = 4


class Hasher(Protocol):
    """What hashlib's objects offer (and release the GIL in, for blocks of 2 KiB and more)."""

    def update(self, data: memoryview, /) -> None: ...


def spare_core() -> bool:
    """Whether this process may run on more than one core (a helper thread can run beside the caller)."""
    return fs.usable_cpus() > 1


class BackgroundHasher:
    """Feeds ``hasher`` the blocks the caller submits, in order, on a helper thread; see the module docstring."""

    def __init__(self, hasher: Hasher, *, block: int = DEFAULT_BLOCK, pool: int = DEFAULT_POOL,
                 threaded: bool | None = None) -> None:
        self._hasher = hasher
        self.block = block
        self._threaded = spare_core() if threaded is None else threaded
        self._buffers = [bytearray(block) for _ in range(pool if self._threaded else 1)]
        self._free: queue.SimpleQueue[memoryview] = queue.SimpleQueue()
        for buf in self._buffers:
            self._free.put(memoryview(buf))
        self._todo: queue.SimpleQueue[tuple[memoryview, int] | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if self._threaded:
            self._thread = threading.Thread(target=self._run, name="background-hash", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while (item := self._todo.get()) is not None:
            buffer, n = item
            if self._error is None:
                try:
                    self._hasher.update(buffer[:n])
                except BaseException as exc:  # noqa: BLE001 - handed to the caller by finish()
                    self._error = exc
            self._free.put(buffer)

    def buffer(self) -> memoryview:
        """A free buffer of ``block`` bytes (waits while every buffer is still being hashed)."""
        return self._free.get()

    def submit(self, buffer: memoryview, n: int) -> None:
        """Hash ``buffer[:n]`` (the caller may go on reading it until it asks for its next buffer)."""
        if self._thread is None:
            self._hasher.update(buffer[:n])
            self._free.put(buffer)
        else:
            self._todo.put((buffer, n))

    def finish(self) -> None:
        """Wait until every submitted block is hashed (then the hasher holds the whole stream), and stop the helper.
        Re-raises what the hasher raised. Idempotent."""
        self.close()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Stop the helper (after the blocks already submitted) and wipe the buffers; for the error path too."""
        if self._thread is not None:
            self._todo.put(None)
            self._thread.join()
            self._thread = None
        for buf in self._buffers:
            buf[:] = bytes(len(buf))  # best effort: the blocks may have held plaintext

    def __enter__(self) -> BackgroundHasher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The one rule for encrypting writers used in a ``with`` block: a clean exit seals (``close``), an exception aborts
(``abort``: no valid ciphertext is left behind, so a half-written file can never pass for a whole one)."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class SealOnExit:
    """Base of the encrypting writers (age payloads, attachment blobs)."""

    def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

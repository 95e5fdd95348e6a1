"""The TRY/ACK line protocol between a crash-loop driver (a child process killed with SIGKILL) and the test reading it.

A driver announces each operation with ``TRY <op> …`` before it starts and ``ACK <op> …`` after it returned. The
driver writes each line with one ``os.write`` of the whole encoded line, shorter than ``PIPE_BUF``: a pipe write of
that size is atomic, so the reader sees a whole line or nothing, whatever ``PYTHONUNBUFFERED`` or ``print`` buffering
says. The reader still trusts nothing: a line counts only when it ends in a newline and has exactly the number of
fields its kind declares. A cut ACK is therefore the same as no ACK: the operation was in flight, and either outcome is
acceptable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# PIPE_BUF is 4096 on Linux; POSIX guarantees at least 512. Stay under the guaranteed minimum.
MAX_LINE = 512

# (kind, operation) → number of space-separated fields, kind and operation included.
FIELD_DRIVER_FIELDS: dict[tuple[str, str], int] = {
    ("TRY", "add"): 3, ("ACK", "add"): 4,        # TRY add ORDER          / ACK add RECORD ORDER
    ("TRY", "edit"): 4, ("ACK", "edit"): 4,      # TRY edit RECORD ORDER  / ACK edit RECORD ORDER
    ("TRY", "attach"): 4, ("ACK", "attach"): 4,  # TRY attach RECORD SHA  / ACK attach RECORD SHA
    ("TRY", "passwd"): 3, ("ACK", "passwd"): 3,  # TRY passwd NEW         / ACK passwd NEW
}
IMPORT_DRIVER_FIELDS: dict[tuple[str, str], int] = {("TRY", "import"): 3, ("ACK", "import"): 4}
BATCH_DRIVER_FIELDS: dict[tuple[str, str], int] = {("ACK", "add"): 4}  # ACK add RECORD N


def emit(*words: object) -> None:
    """Write one protocol line with a single write(2) to standard output (file descriptor 1)."""
    text = " ".join(str(w) for w in words)
    if "\n" in text or any(" " in str(w) or not str(w) for w in words):
        raise ValueError("protocol fields are non-empty and hold no space or newline")
    line = (text + "\n").encode("utf-8")
    if len(line) >= MAX_LINE:
        raise ValueError(f"protocol line of {len(line)} bytes is not below {MAX_LINE}")
    written = os.write(1, line)
    if written != len(line):  # cannot happen for a pipe write below PIPE_BUF; refuse to go on rather than mislead
        raise OSError(f"short write of a protocol line: {written} of {len(line)} bytes")


def complete_lines(out: bytes, fields: dict[tuple[str, str], int]) -> list[list[str]]:
    """The lines of ``out`` that are whole: newline-terminated, valid UTF-8, a known kind with its exact field count.

    Anything else (the cut last line, a line of another kind, stray output) is dropped. Dropping a cut ACK leaves its
    TRY unanswered, which is what it is: an operation in flight when the kill came."""
    lines: list[list[str]] = []
    for raw in out.split(b"\n")[:-1]:  # the piece after the last newline is never complete
        try:
            words = raw.decode("utf-8").split(" ")
        except UnicodeDecodeError:
            continue
        if len(words) >= 2 and fields.get((words[0], words[1])) == len(words) and all(words):
            lines.append(words)
    return lines


@dataclass
class FieldRound:
    """What one killed run of the field driver acknowledged, and what it may have done."""

    passphrase: str | None = None  # the last acknowledged new passphrase, if any
    pending_passphrase: str | None = None  # a passphrase change begun and not acknowledged
    narratives: dict[str, tuple[int, int]] = field(default_factory=dict)  # record → latest acknowledged order
    attachments: set[tuple[str, str]] = field(default_factory=set)  # (record, sha256) acknowledged


def order_of(token: str) -> tuple[int, int]:
    """``v<seed>-<n>`` → (seed, n): the order in which the driver rounds wrote narratives."""
    seed, n = token[1:].split("-")
    return int(seed), int(n)


def read_field_round(out: bytes) -> FieldRound:
    result = FieldRound()
    for word in complete_lines(out, FIELD_DRIVER_FIELDS):
        kind, op = word[0], word[1]
        if op == "passwd":
            if kind == "TRY":
                result.pending_passphrase = word[2]
            else:
                result.passphrase, result.pending_passphrase = word[2], None
        elif kind == "ACK" and op in ("add", "edit"):
            result.narratives[word[2]] = order_of(word[3])
        elif kind == "ACK" and op == "attach":
            result.attachments.add((word[2], word[3]))
    return result


@dataclass
class ImportRound:
    acknowledged: dict[str, str] = field(default_factory=dict)  # bundle path → status
    in_flight: str | None = None  # a bundle whose import began and was not acknowledged


def read_import_round(out: bytes) -> ImportRound:
    result = ImportRound()
    for word in complete_lines(out, IMPORT_DRIVER_FIELDS):
        if word[0] == "TRY":
            result.in_flight = word[2]
        else:
            result.acknowledged[word[2]] = word[3]
            if result.in_flight == word[2]:
                result.in_flight = None
    return result


def read_batch_round(out: bytes) -> dict[str, int]:
    """The batch-add driver's acknowledgements: record → the number of the add acknowledged last."""
    return {word[2]: int(word[3]) for word in complete_lines(out, BATCH_DRIVER_FIELDS)}


"""WAV (RIFF, PCM) headers, and the recording's sample format.

The format is 16-bit signed little-endian PCM, mono, 48 kHz (docs/recording.md says why): the canonical 44-byte header
of a RIFF/WAVE file with one ``fmt `` chunk (WAVE_FORMAT_PCM) and one ``data`` chunk, which every player, court
exhibit system and archive ingest tool reads.
"""

from __future__ import annotations

import array
import math
import struct
import sys
from dataclasses import dataclass
from typing import Final

from intake_app.errors import RefusedError

HEADER_LEN: Final = 44
MAX_DATA: Final = 0xFFFFFFFF - (HEADER_LEN - 8)  # the RIFF size field is 32 bits
_PCM: Final = 1


@dataclass(frozen=True)
class PcmFormat:
    sample_rate: int = 48_000
    channels: int = 1
    bits: int = 16

    def __post_init__(self) -> None:
        if self.bits != 16 or self.channels not in (1, 2) or not 8_000 <= self.sample_rate <= 192_000:
            raise RefusedError("recordings are 16-bit PCM, mono or stereo, 8–192 kHz")

    @property
    def block_align(self) -> int:
        return self.channels * self.bits // 8

    @property
    def byte_rate(self) -> int:
        return self.sample_rate * self.block_align

    def duration_ms(self, data_bytes: int) -> int:
        return data_bytes // self.block_align * 1000 // self.sample_rate


def header(fmt: PcmFormat, data_bytes: int) -> bytes:
    """The 44-byte RIFF/WAVE header for ``data_bytes`` of PCM that follow it."""
    if not 0 <= data_bytes <= MAX_DATA or data_bytes % fmt.block_align:
        raise RefusedError("the recording is too long for one WAV file, or its length is not whole samples")
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", HEADER_LEN - 8 + data_bytes, b"WAVE",
        b"fmt ", 16, _PCM, fmt.channels, fmt.sample_rate, fmt.byte_rate, fmt.block_align, fmt.bits,
        b"data", data_bytes,
    )


def parse_header(data: bytes) -> tuple[PcmFormat, int]:
    """Format and data length from a canonical header as :func:`header` writes it (for checks and the player)."""
    if len(data) < HEADER_LEN:
        raise RefusedError("too short for a WAV header")
    riff, riff_size, wave, fmt_id, fmt_len, tag, channels, rate, byte_rate, align, bits, data_id, data_len = (
        struct.unpack("<4sI4s4sIHHIIHH4sI", data[:HEADER_LEN]))
    if (riff, wave, fmt_id, data_id) != (b"RIFF", b"WAVE", b"fmt ", b"data") or fmt_len != 16 or tag != _PCM:
        raise RefusedError("not a canonical PCM WAV header")
    fmt = PcmFormat(rate, channels, bits)
    if byte_rate != fmt.byte_rate or align != fmt.block_align or riff_size != HEADER_LEN - 8 + data_len:
        raise RefusedError("the WAV header's sizes disagree")
    return fmt, data_len


def peak_dbfs(pcm: bytes) -> float:
    """Peak level of 16-bit little-endian samples in dBFS (-inf for silence or no samples), for the level meter."""
    usable = len(pcm) - len(pcm) % 2
    if not usable:
        return -math.inf
    samples = array.array("h", pcm[:usable])
    if sys.byteorder == "big":  # pragma: no cover
        samples.byteswap()
    peak = max(max(samples), -min(samples))  # noqa: PLW3301 - two C-level passes, not a million-argument call
    return 20 * math.log10(peak / 32768) if peak else -math.inf

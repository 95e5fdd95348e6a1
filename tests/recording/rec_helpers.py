"""Shared by the recording tests: a vault with a testimony whose recording consent is set, sines, WAV checks."""

from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path
from typing import Any

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.conftest import require_tools

GOOD = Path(__file__).resolve().parents[1] / "data" / "interchange" / "good"
PASSPHRASE = "녹음 테스트 passphrase"


def testimony(consent: dict[str, Any]) -> bytes:
    doc: dict[str, Any] = json.loads((GOOD / "example.json").read_text(encoding="utf-8"))
    doc.pop("id", None)
    doc["consent"] = consent
    return json.dumps(doc, ensure_ascii=False).encode()


def vault_with_testimony(path: Path, recording: Any = "granted") -> tuple[Vault, str]:
    vault, _ = Vault.create(path, PASSPHRASE)
    consent = {"storage": "granted"}
    if recording is not None:
        consent["recording"] = recording
    record_id = RecordStore(vault).add_json(testimony(consent)).record_id
    return vault, record_id


def sine_pcm(freq: float, seconds: float, rate: int = 48_000, amplitude: float = 0.5, phase: int = 0) -> bytes:
    n = int(seconds * rate)
    return b"".join(struct.pack("<h", round(amplitude * 32767 * math.sin(2 * math.pi * freq * (i + phase) / rate)))
                    for i in range(n))


def wav_info(data: bytes, tmp: Path) -> tuple[int, int, int, int, bytes]:
    """(channels, sample width, rate, frames, frames bytes) read by the standard library's wave module."""
    path = tmp / "check.wav"
    path.write_bytes(data)
    with wave.open(str(path), "rb") as w:
        info = (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes(), w.readframes(w.getnframes()))
    path.unlink()
    return info


def dominant_frequency(pcm: bytes, rate: int) -> float:
    """The frequency with the most power, by sox's ``stat -freq`` (its own FFT), over raw 16-bit mono samples."""
    require_tools("sox", why="Debian package sox")
    sox = shutil.which("sox")
    assert sox is not None
    proc = subprocess.run([sox, "-t", "raw", "-r", str(rate), "-e", "signed", "-b", "16", "-c", "1", "-",
                           "-n", "stat", "-freq"], input=pcm, capture_output=True, check=True, timeout=120)
    best, best_power = 0.0, -1.0
    for line in proc.stderr.decode().splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                freq, power = float(parts[0]), float(parts[1])
            except ValueError:
                continue
            if power > best_power:
                best, best_power = freq, power
    return best

"""A private PulseAudio server with a generated 440 Hz input, for the tests that record through Qt Multimedia.

The server runs as whoever runs the tests (root in CI: ``--system=false`` with a private HOME and XDG_RUNTIME_DIR under
the test's temporary directory, anonymous auth on its own socket), is reached through ``PULSE_SERVER``, and is stopped
after the session.

The input: ``module-sine-source`` produces its samples in fixed two-second blocks, and Qt 6's PulseAudio backend
records with a 1024-frame buffer (``maxlength``), so the server drops nearly everything between blocks — Qt then sees
a few milliseconds of audio every two seconds. A real microphone delivers ~10 ms periods. So the sine comes from
``module-sine`` playing into a null sink, and ``module-remap-source`` turns that sink's monitor into a mono input
(``sine_input``, made the default source) that follows the latency the client asks for, as a microphone does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require_tools

sys.path.insert(0, str(Path(__file__).resolve().parent))  # rec_helpers.py, record_probe.py


@dataclass(frozen=True)
class PulseServer:
    socket: Path
    runtime: Path
    log: Path
    cookie: Path

    @property
    def env(self) -> dict[str, str]:
        # Without PULSE_COOKIE libpulse creates ~/.config/pulse/cookie in the test's HOME, which the "no file outside
        # the vault grew" check would (rightly) see. On a laptop that file exists long before the first recording.
        return {"PULSE_SERVER": f"unix:{self.socket}", "PULSE_COOKIE": str(self.cookie)}


def _pactl(server_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **server_env)
    return subprocess.run(["pactl", *args], env=env, capture_output=True, text=True, timeout=20, check=False)


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    require_tools("pulseaudio", "pactl", "sox", why="Debian packages pulseaudio and sox; `make test` installs them as root")
    base = tmp_path_factory.mktemp("pulse")
    runtime, home = base / "run", base / "home"
    for d in (runtime, home):
        d.mkdir(mode=0o700)
    socket, log = runtime / "native", base / "pulseaudio.log"
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("PULSE_SERVER", None)
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--system=false", "--use-pid-file=no",
             "--disallow-exit", "--log-target=stderr", "--log-level=warning",
             f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
             "--load=module-null-sink sink_name=sine_sink rate=48000"],
            env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    cookie = runtime / "cookie"
    cookie.write_bytes(os.urandom(256))
    server = PulseServer(socket, runtime, log, cookie)
    try:
        deadline = time.monotonic() + 15
        while _pactl(server.env, "info").returncode != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pulseaudio did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        for args in (("load-module", "module-sine", "sink=sine_sink", "frequency=440"),
                     ("load-module", "module-remap-source", "master=sine_sink.monitor", "source_name=sine_input",
                      "channels=1", "channel_map=mono", "source_properties=device.description=Sine_440_Hz"),
                     ("set-default-source", "sine_input")):
            done = _pactl(server.env, *args)
            if done.returncode != 0:
                raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr}")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def pulse_env(pulse_server: PulseServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment a recording subprocess needs to reach the test server (and nothing else)."""
    for key, value in pulse_server.env.items():
        monkeypatch.setenv(key, value)
    return pulse_server.env

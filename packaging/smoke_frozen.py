"""Smoke test of the built program in dist/testimony-intake/: the frozen CLI's whole cycle and the frozen GUI's self-test.

    python packaging/smoke_frozen.py [dist/testimony-intake]
    python packaging/smoke_frozen.py --wine dist/windows/testimony-intake    (make package-smoke-windows)

Runs only the two frozen executables (never the source tree), in a private temporary directory with a scrubbed
environment (no PYTHONPATH, HOME and XDG dirs pointing inside it), as on a laptop with nothing installed:

1. an HQ vault and a field vault (INTAKE_KDF_PROFILE=fast) exchange public keys (``keys export`` / ``keys add``);
2. the field adds a testimony with Korean text and an attachment, exports a bundle;
3. the bundle verifies with only the field device's public key (the auditor's check), imports at HQ, and HQ's
   ``testimony list`` shows the Korean name; the attachment extracted at HQ is byte-identical;
4. ``intake-app --self-test`` starts offscreen, shows its first window and exits 0 (and under Xvfb with the xcb
   platform plugin too, when ``xvfb-run`` is installed: that is the plugin a real X11 desktop loads);
5. ``vault erase --yes`` exits 0 and leaves no key slot and no blob of the field vault.

``--wine`` runs the Windows build (``intake.exe``, ``intake-app.exe``) under Wine from Linux: paths are handed to the
programs as Windows paths (``Z:\\...``), stdin is /dev/null and output goes through pipes (Wine's CPython cannot start
with a file as stdout), HQ's ``testimony list`` must be UTF-8 through a pipe, and the GUI's self-test runs offscreen and
with Windows' own display plugin (``qwindows``) under Xvfb.

Exit status 0 when every step passed; otherwise 1 with the failing step, its exit status and stderr.
tests/packaging/test_frozen.py imports this module; ``make package-smoke`` runs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

KOREAN_NAME = "한바다"
PASSPHRASE = "smoke 증언 비밀"  # noqa: S105 (a throwaway test vault; non-ASCII so the frozen program reads UTF-8 env)
TIMEOUT = 120.0


class SmokeFailure(Exception):
    """A step of the smoke test failed; the message names the step and carries the program's stderr."""


@dataclass(frozen=True)
class Step:
    """One program run: what it was for, its argv, and what it printed."""

    what: str
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def clean_env(home: Path) -> dict[str, str]:
    """A minimal environment: nothing from the developer's Python or vault leaks into the frozen run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "INTAKE_KDF_PROFILE": "fast",
        "INTAKE_PASSPHRASE": PASSPHRASE,
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "TMPDIR": str(home / "tmp"),
    }
    for var in ("SYSTEMROOT", "WINDIR", "APPDATA", "LOCALAPPDATA", "USERPROFILE", "TEMP", "TMP"):  # Windows needs these
        if var in os.environ:
            env[var] = os.environ[var]
    for sub in ("runtime", "tmp"):
        (home / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    return env


class Runner:
    """Runs the frozen executables and keeps a log of every step."""

    def __init__(self, dist: Path, work: Path, *, wine: bool = False) -> None:
        suffix = ".exe" if sys.platform == "win32" or wine else ""
        self.intake = dist / f"intake{suffix}"
        self.app = dist / f"intake-app{suffix}"
        for exe in (self.intake, self.app):
            if not exe.is_file():
                raise SmokeFailure(f"{exe} is missing: build with `make package` (or `make package-windows`) first")
        self.work = work
        self.wine = wine
        self.env = clean_env(work / "home")
        if wine:
            for var in ("WINEPREFIX", "WINEDEBUG", "WINEARCH", "WINEDLLOVERRIDES", "DISPLAY"):
                if var in os.environ:
                    self.env[var] = os.environ[var]
            self.env["HOME"] = os.environ.get("WINE_HOME", self.env["HOME"])  # the prefix's owner's home
        self.steps: list[Step] = []

    def arg(self, path: Path) -> str:
        """A path as the program under test spells it: ``Z:\\...`` under Wine (its drive Z: is the Linux root)."""
        return "Z:" + str(path).replace("/", "\\") if self.wine else str(path)

    def local(self, printed: str) -> Path:
        """A path the program printed, as a path on this machine."""
        if self.wine and printed[:3].upper() == "Z:\\":
            return Path("/" + printed[3:].replace("\\", "/"))
        return Path(printed)

    def run(self, what: str, argv: Sequence[str], *, env: dict[str, str] | None = None, expect: int = 0) -> Step:
        started = time.perf_counter()
        launcher = ["wine"] if self.wine and argv and argv[0].endswith(".exe") else []
        proc = subprocess.run(  # noqa: S603 (argv built here from fixed words and our own temp paths)
            [*launcher, *argv], stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8",
            errors="replace",
            env={**self.env, **(env or {})}, cwd=self.work, timeout=TIMEOUT, check=False,
        )
        step = Step(what, tuple(argv), proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - started)
        self.steps.append(step)
        if proc.returncode != expect:
            raise SmokeFailure(f"{what}: exit {proc.returncode} (expected {expect})\n"
                               f"argv: {' '.join(argv)}\nstderr:\n{proc.stderr.strip()}")
        return step

    def intake_in(self, vault: Path, what: str, *args: str) -> Step:
        return self.run(what, [self.arg(self.intake), "--vault", self.arg(vault), *args])


def testimony_document() -> dict[str, object]:
    """A small but complete testimony in the interchange format, with Korean in names, places and narrative."""
    return {
        "interview": {"date": "2024-05-02", "place": "서울", "language": "ko", "interviewer": "I-07"},
        "interviewee": {"pseudonym": "W-201", "relation": "sister"},
        "narrative": "2011년 가을, 동생이 온성에서 끌려갔다고 합니다.",
        "consent": {"storage": "granted", "reports": "conditional", "wgeid": "refused"},
        "victims": [{
            "names": [{"hangul": KOREAN_NAME, "roman": "Han Ba-da"}],
            "sex": "F", "birth": "1975~", "categories": [6, 7], "status": "missing",
            "acts": [{"type": "forced_repatriation", "date": "2011-23", "date_text": "2011년 가을쯤", "place": "Yanji",
                      "perpetrators": [{"organ": "MSS", "unit": "온성군 보위부", "rank": "상위",
                                        "identification": "rank+unit"}]}],
        }],
    }


def cli_cycle(r: Runner) -> None:
    """Field and HQ vaults, keys exchanged, testimony + attachment, export, auditor verify, HQ import and list."""
    w = r.work
    hq, field = w / "hq-vault", w / "field-vault"
    r.intake_in(hq, "HQ vault init", "vault", "init", "--role", "hq")
    r.intake_in(field, "field vault init", "vault", "init")
    r.intake_in(hq, "HQ keys export", "keys", "export", r.arg(w / "hq.pub"))
    r.intake_in(field, "field keys export", "keys", "export", r.arg(w / "laptop.pub"))
    r.intake_in(field, "field pins HQ's key", "keys", "add", r.arg(w / "hq.pub"))
    r.intake_in(hq, "HQ enrols the laptop", "keys", "add", r.arg(w / "laptop.pub"), "--name", "laptop-1")

    source = w / "testimony.json"
    source.write_text(json.dumps(testimony_document(), ensure_ascii=False), encoding="utf-8")
    record_id = r.intake_in(field, "testimony add (Korean text)", "testimony", "add", r.arg(source)).stdout.strip()
    if not record_id:
        raise SmokeFailure("testimony add printed no record id")
    source.unlink()  # the plaintext input is not needed any more

    scan = w / "scan.bin"
    scan.write_bytes(bytes(range(256)) * 64 + "녹취 메모".encode())
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    printed = r.intake_in(field, "attach", "attach", record_id, r.arg(scan)).stdout
    if digest not in printed:
        raise SmokeFailure(f"attach did not print the attachment's sha256 {digest}")

    usb = w / "usb"
    usb.mkdir()
    exported = json.loads(r.intake_in(field, "bundle export", "--json", "bundle", "export", r.arg(usb)).stdout)
    bundle = r.local(exported["path"])
    if not bundle.is_file() or bundle.parent != usb:
        raise SmokeFailure(f"bundle export reported {bundle}, which is not a file in {usb}")

    # The auditor's check needs no vault and no secret: only the device's public key.
    r.run("bundle verify (auditor)", [r.arg(r.intake), "bundle", "verify", r.arg(bundle),
                                      "--key", r.arg(w / "laptop.pub"), "--state", r.arg(w / "auditor-state")])
    r.intake_in(hq, "bundle import at HQ", "bundle", "import", r.arg(bundle))

    listing = r.intake_in(hq, "testimony list at HQ", "testimony", "list").stdout
    if KOREAN_NAME not in listing:
        raise SmokeFailure(f"HQ's testimony list does not show {KOREAN_NAME}:\n{listing}")

    extracted = w / "extracted.bin"
    r.intake_in(hq, "attachment extract at HQ", "attachment", "extract", digest, "--to", r.arg(extracted))
    if hashlib.sha256(extracted.read_bytes()).hexdigest() != digest:
        raise SmokeFailure("the attachment extracted at HQ differs from the one attached in the field")
    extracted.unlink()


def list_is_utf8(r: Runner) -> None:
    """HQ's ``testimony list`` writes Hangul as UTF-8 into a pipe, whatever the console code page (W4)."""
    hq = r.work / "hq-vault"
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 (fixed argv)
        [*(["wine"] if r.wine else []), r.arg(r.intake), "--vault", r.arg(hq), "testimony", "list"],
        stdin=subprocess.DEVNULL, capture_output=True, env=r.env, cwd=r.work, timeout=TIMEOUT, check=False)
    step = Step("testimony list is UTF-8 through a pipe", (r.arg(r.intake), "testimony", "list"), proc.returncode,
                proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"),
                time.perf_counter() - started)
    r.steps.append(step)
    if proc.returncode != 0 or KOREAN_NAME.encode("utf-8") not in proc.stdout:
        raise SmokeFailure(f"testimony list did not write {KOREAN_NAME} as UTF-8 (exit {proc.returncode}): "
                           f"{proc.stdout[:300]!r}\nstderr:\n{step.stderr.strip()}")


def erase_check(r: Runner) -> None:
    """``vault erase --yes`` exits 0 and leaves no key slot and no blob (the emergency erase, W5)."""
    field = r.work / "field-vault"
    r.intake_in(field, "vault erase --yes", "vault", "erase", "--yes")
    left = sorted(p.name for p in field.rglob("*")) if field.exists() else []
    if any("keyslots" in name for name in left) or (field / "blobs").exists():
        raise SmokeFailure(f"vault erase left key material or blobs behind: {left}")


def gui_self_test(r: Runner) -> None:
    """The desktop app starts, shows its first window (the first-run wizard on an empty vault) and exits 0."""
    r.run("intake-app --self-test (offscreen)", [r.arg(r.app), "--self-test", "--vault", r.arg(r.work / "gui-vault")],
          env={"QT_QPA_PLATFORM": "offscreen"})
    xvfb_run = shutil.which("xvfb-run")
    if r.wine and xvfb_run:
        # Windows' own display plugin (qwindows.dll), drawing through Wine's GDI into an X server.
        r.run("intake-app.exe --self-test (qwindows under Xvfb)",
              [xvfb_run, "-a", "wine", r.arg(r.app), "--self-test", "--vault", r.arg(r.work / "gui-vault-2")])
        return
    if sys.platform.startswith("linux") and xvfb_run:
        # The xcb plugin is what an X11 desktop loads; it fails at start when an xcb library is missing.
        r.run("intake-app --self-test (xcb under Xvfb)",
              [xvfb_run, "-a", str(r.app), "--self-test", "--vault", str(r.work / "gui-vault")],
              env={"QT_QPA_PLATFORM": "xcb"})


def run_all(dist: Path, *, wine: bool = False) -> list[Step]:
    """Run the CLI cycle, the erase and the GUI self-test against ``dist``; return the log; raise SmokeFailure on a
    failure."""
    with tempfile.TemporaryDirectory(prefix="intake-smoke-") as tmp:
        work = Path(tmp)
        work.chmod(0o700)
        runner = Runner(dist, work, wine=wine)
        cli_cycle(runner)
        list_is_utf8(runner)
        erase_check(runner)
        gui_self_test(runner)
        return runner.steps


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: print each step with its time; return 0 when all passed."""
    args = list(sys.argv[1:] if argv is None else argv)
    wine = "--wine" in args
    args = [a for a in args if a != "--wine"]
    default = Path(__file__).resolve().parent.parent / "dist" / ("windows" if wine else "") / "testimony-intake"
    dist = Path(args[0]) if args else default
    try:
        steps = run_all(dist.resolve(), wine=wine)
    except SmokeFailure as exc:
        sys.stderr.write(f"smoke test FAILED: {exc}\n")
        return 1
    for step in steps:
        print(f"ok  {step.seconds:6.2f} s  {step.what}")
    print(f"frozen build in {dist} passed {len(steps)} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Screenshots of the Windows build in Korean under Wine, for docs/screenshots/: the first-run wizard (the app's own
# --screenshot, drawn with Windows' qwindows plugin) and the main window of an unlocked vault holding a Korean testimony
# (the real program on an Xvfb screen: the passphrase typed with xdotool, the screen read with xwd).
#   packaging/windows/screenshots.sh [OUT_DIR]      (default docs/screenshots; needs make package-windows first)
# Debian packages: xvfb, xdotool, x11-apps (xwd).
set -euo pipefail
source "$(dirname "$0")/env.sh"
have_toolchain || "$WIN_HERE/toolchain.sh" >/dev/null
OUT=$(realpath "${1:-$WIN_ROOT/docs/screenshots}")
DIST="$WIN_ROOT/dist/windows/testimony-intake"
[ -f "$DIST/intake-app.exe" ] || { echo "run make package-windows first" >&2; exit 1; }
IMAGE_PYTHON=${IMAGE_PYTHON:-$WIN_ROOT/.venv/bin/python}   # any Python with Pillow, to turn xwd into PNG
exec 9>"$WIN_TC/.lock"
[ -n "${NO_LOCK:-}" ] || flock 9   # NO_LOCK=1: alongside a test run (it only reads the toolchain)
work=$(mktemp -d); chmod 700 "$work"
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; kill "$xvfb_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export DISPLAY=$display HOME="$WIN_HOME" INTAKE_KDF_PROFILE=fast
w() { printf 'Z:%s' "$1" | tr / '\\'; }
sleep 2

echo "the first-run wizard ..."
wine "$DIST/intake-app.exe" --lang ko --vault "$(w "$work/empty")" --screenshot "$(w "$OUT/windows-wizard-ko.png")" \
  < /dev/null 2>&1 | cat

echo "a vault with a Korean testimony ..."
pass="windows screenshot vault"
INTAKE_PASSPHRASE="$pass" wine "$DIST/intake.exe" --vault "$(w "$work/v")" vault init < /dev/null 2>&1 | cat >/dev/null
"$HOST_PYTHON" - "$WIN_ROOT" "$work/t.json" <<'PY'
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("smoke_frozen", sys.argv[1] + "/packaging/smoke_frozen.py")
mod = importlib.util.module_from_spec(spec); sys.modules["smoke_frozen"] = mod; spec.loader.exec_module(mod)
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(mod.testimony_document(), ensure_ascii=False))
PY
INTAKE_PASSPHRASE="$pass" wine "$DIST/intake.exe" --vault "$(w "$work/v")" testimony add "$(w "$work/t.json")" \
  < /dev/null 2>&1 | cat >/dev/null

echo "the main window ..."
# Output through a pipe, never into a file (Wine's CPython cannot start with a file as stdout); $! is wine's own pid.
wine "$DIST/intake-app.exe" --lang ko --vault "$(w "$work/v")" < /dev/null > >(cat > "$work/app.log") 2>&1 &
app_pid=$!
for _ in $(seq 60); do xdotool search --onlyvisible --name "." >/dev/null 2>&1 && break; sleep 1; done
sleep 8
xdotool type --delay 60 "$pass"
xdotool key Return
sleep 15
xwd -root -silent > "$work/screen.xwd"
"$IMAGE_PYTHON" - "$work/screen.xwd" "$OUT/windows-main-ko.png" <<'PY'
import struct, sys
from PIL import Image
data = open(sys.argv[1], "rb").read()
f = struct.unpack(">25I", data[:100])
header_size, width, height, byte_order, bpp, bpl, ncolors = f[0], f[4], f[5], f[7], f[11], f[12], f[19]
modes = {(32, 0): "BGRX", (24, 0): "BGR", (32, 1): "XRGB", (24, 1): "RGB"}  # byte order 0: LSBFirst
start = header_size + 12 * ncolors
screen = Image.frombuffer("RGB", (width, height), data[start:start + bpl * height], "raw", modes[(bpp, byte_order)],
                         bpl, 1)
screen.crop(screen.getbbox()).save(sys.argv[2])  # the window alone: the black root window around it is cut off
PY
if [ "$(stat -c %s "$OUT/windows-main-ko.png")" -lt 20000 ]; then
  echo "the main-window screenshot looks empty; the app said:" >&2; tail -20 "$work/app.log" >&2
fi
kill "$app_pid" 2>/dev/null || true
app_pid=""
ls -la "$OUT"/windows-*-ko.png

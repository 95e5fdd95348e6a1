#!/usr/bin/env bash
# make package-smoke-windows: packaging/smoke_frozen.py's whole cycle against the Windows build's .exe files under
# Wine (field and HQ vaults, a Korean testimony with an attachment, export, keyless verify, HQ import, the list as
# UTF-8 through a pipe, the attachment back byte-identical, vault erase --yes), then intake-app.exe --self-test
# offscreen and with qwindows under Xvfb. Runs on this machine's own Python; only the programs under test are Windows.
set -euo pipefail
source "$(dirname "$0")/env.sh"
have_toolchain || "$WIN_HERE/toolchain.sh" >/dev/null
DIST="${1:-$WIN_ROOT/dist/windows/testimony-intake}"
[ -f "$DIST/intake.exe" ] || { echo "$DIST/intake.exe is missing: run make package-windows first" >&2; exit 1; }
exec 9>"$WIN_TC/.lock"
flock 9
export WINE_HOME="$WIN_HOME"
t0=$SECONDS
set +e
"$HOST_PYTHON" "$WIN_ROOT/packaging/smoke_frozen.py" --wine "$DIST"
status=$?
set -e
echo "make package-smoke-windows: exit $status after $((SECONDS - t0)) s under Wine"
exit "$status"

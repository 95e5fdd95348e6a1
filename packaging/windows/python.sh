#!/usr/bin/env bash
# Run the toolchain's Windows CPython under Wine with this source tree importable, e.g.
#   packaging/windows/python.sh -c "import crypto.fs; print(crypto.fs.user_id())"
# (stdin from /dev/null, output through a pipe: see env.sh's winrun). For a developer's look around; the make targets
# use build.sh, test.sh and smoke.sh.
set -euo pipefail
source "$(dirname "$0")/env.sh"
have_toolchain || "$WIN_HERE/toolchain.sh" >/dev/null
PTH="$WINPY/Lib/site-packages/_testimony_intake_source.pth"
exec 9>"$WIN_TC/.lock"
flock 9
trap 'rm -f "$PTH"' EXIT
printf '%s\r\n' "$(winpath "$WIN_ROOT")" > "$PTH"
winrun "$WINPY/python.exe" -X utf8 "$@"

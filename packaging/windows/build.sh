#!/usr/bin/env bash
# make package-windows: build the Windows program from this Linux machine, with the same PyInstaller spec as Linux,
# under the Windows CPython in Wine (packaging/windows/toolchain.sh prepares it on first use).
#   dist/windows/testimony-intake/              intake-app.exe, intake.exe, _internal/
#   dist/windows/testimony-intake-windows-x64.zip
#   dist/windows/testimony-intake-setup-x64.exe  (an NSIS installer, when makensis is installed)
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$WIN_HERE/toolchain.sh" >/dev/null
exec 9>"$WIN_TC/.lock"
flock 9

DIST="$WIN_ROOT/dist/windows"
WORK="$WIN_ROOT/build/windows"
mkdir -p "$DIST" "$WORK"
rm -rf "$DIST/testimony-intake" "$DIST/testimony-intake-windows-x64.zip"
t0=$SECONDS
echo "PyInstaller under Wine (5-11 min on a loaded 2-core machine) ..."
# The embeddable CPython's sys.path is fixed by its ._pth file (PYTHONPATH is ignored), so the source tree is put on
# it here; PyInstaller's isolated helper processes inherit it.
cd "$WIN_ROOT"
set +e
winrun "$WINPY/python.exe" -X utf8 -c "import sys; sys.path.insert(0, sys.argv[1]); \
from PyInstaller.__main__ import run; run(sys.argv[2:])" "$(winpath "$WIN_ROOT")" \
  --noconfirm --clean --log-level WARN --distpath "$(winpath "$DIST")" --workpath "$(winpath "$WORK")" \
  "$(winpath "$WIN_ROOT/packaging/testimony-intake.spec")" > "$WORK/pyinstaller.log"
status=$?
set -e
# About 870 warnings name unresolved api-ms-win-* API sets (Windows resolves them itself): harmless, left out here.
grep -v "api-ms-win-" "$WORK/pyinstaller.log" | grep -v '^\s*$' | tail -30 || true
[ "$status" = 0 ] || { echo "PyInstaller failed (exit $status); the whole log: $WORK/pyinstaller.log" >&2; exit 1; }
for exe in intake.exe intake-app.exe; do
  [ -f "$DIST/testimony-intake/$exe" ] || { echo "the build made no $exe" >&2; exit 1; }
done
[ -f "$DIST/testimony-intake/_internal/PySide6/plugins/platforms/qwindows.dll" ] \
  || { echo "the build has no qwindows.dll: PySide6 did not load under Wine (the stub DLLs?)" >&2; exit 1; }
"$HOST_PYTHON" - "$DIST" <<'PY'
import sys, zipfile
from pathlib import Path
dist = Path(sys.argv[1])
with zipfile.ZipFile(dist / "testimony-intake-windows-x64.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for f in sorted((dist / "testimony-intake").rglob("*")):
        if f.is_file():
            z.write(f, f.relative_to(dist).as_posix())
PY
if command -v makensis >/dev/null; then
  makensis -V2 -DSRC="$DIST/testimony-intake" -DOUT="$DIST/testimony-intake-setup-x64.exe" \
    "$WIN_HERE/installer.nsi"
fi
du -sh "$DIST/testimony-intake" "$DIST"/*.zip "$DIST"/*.exe 2>/dev/null || true
echo "Windows build done in $((SECONDS - t0)) s: $DIST/testimony-intake"

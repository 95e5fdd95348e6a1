#!/bin/sh
# The Debian packages Testimony Intake needs, by purpose; installs the missing ones when run as root, names them otherwise.
#   packaging/debian-packages.sh runtime   what `make run` needs: a venv, Qt's xcb platform plugin and its libraries,
#                                          OpenGL/EGL stubs Qt Gui links against, a CJK font, the PulseAudio client
#   packaging/debian-packages.sh test      runtime + what `make test` needs: stock age and minisign, Xvfb, strace,
#                                          a PulseAudio server and sox for the recording tests, …
#   packaging/debian-packages.sh --list runtime|test    print the names, install nothing
# Found by running ldd on PySide6's Qt libraries and plugins and mapping each library to its package (docs/packaging.md).
set -eu

RUNTIME="python3-venv libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libx11-xcb1 libxkbcommon0 libxkbcommon-x11-0
libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xkb1 libpulse0 fonts-noto-cjk"
TEST="age minisign xvfb xauth x11-utils desktop-file-utils strace pulseaudio sox poppler-utils"

list=0
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
case "${1:-}" in
  runtime) wanted="$RUNTIME" ;;
  test) wanted="$RUNTIME $TEST" ;;
  *) echo "usage: $0 [--list] runtime|test" >&2; exit 2 ;;
esac
if [ "$list" = 1 ]; then echo $wanted; exit 0; fi

missing=""
for pkg in $wanted; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "warning: missing Debian packages:$missing" >&2
  echo "  install them with: sudo apt-get install$missing" >&2
fi

"""PyInstaller entry script of the frozen desktop app (``intake-app``); the same as the ``intake-app`` gui-script."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())

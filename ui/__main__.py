"""``python -m ui``: the desktop application."""

import sys

from ui.app import main

sys.exit(main())

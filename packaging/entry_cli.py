"""PyInstaller entry script of the frozen command line (``intake``); the same as the ``intake`` console script."""

from intake_app.cli.main import run

if __name__ == "__main__":
    run()

# Testimony Intake — developer entry points. `make run` starts the desktop app; `make test` runs lint and every test.
# Both create .venv on first use. `make test` also installs, when run as root, the Debian packages the tests need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint unit system-deps runtime-deps bench screenshots package package-smoke clean \
	windows-toolchain package-windows test-windows package-smoke-windows

# RUN_ARGS: extra arguments for the app, e.g. `make run RUN_ARGS=--self-test` (start, show the first window, exit).
run: runtime-deps $(STAMP_RUN)
	$(BIN)/intake-app $(RUN_ARGS)

test: $(STAMP_DEV) system-deps
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit

unit: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP_DEV)
	$(BIN)/ruff check crypto intake_app ui tests bench tools packaging
	$(BIN)/mypy

$(VENV)/bin/python: | runtime-deps
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(STAMP_RUN)

# The Debian packages: Qt's xcb libraries, a CJK font and python3-venv for `make run`; stock age and minisign, Xvfb and
# the rest for `make test`. Installed only when missing and only as root (CI runs as root); otherwise they are named, and
# the tests that need them say so and skip (under CI=true they fail instead). The list is in packaging/debian-packages.sh.
runtime-deps:
	@sh packaging/debian-packages.sh runtime

system-deps:
	@sh packaging/debian-packages.sh test

bench: $(STAMP_DEV)
	$(BIN)/python -m bench

screenshots: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tools.screenshots screenshots/out

# dist/testimony-intake/: one onedir folder with intake-app and intake (docs/packaging.md). package-smoke runs the frozen
# CLI's whole field-to-HQ cycle and the frozen GUI's --self-test against it (tests/packaging runs the same in make test).
package: $(STAMP_DEV)
	$(BIN)/python -m pip install -q -e '.[package]'
	$(BIN)/pyinstaller --noconfirm --clean packaging/testimony-intake.spec

package-smoke: package
	$(BIN)/python packaging/smoke_frozen.py dist/testimony-intake

# ---- Windows, built and tested from this Linux machine (docs/packaging.md, "Windows"). Not part of `make test`.
# The toolchain (Wine from Debian, the official embeddable CPython 3.11.9 for Windows, the pinned win_amd64 wheels, two
# stub DLLs for what Wine lacks) is prepared on first use into $(INTAKE_WINDOWS_CACHE), default
# ~/.cache/testimony-intake/windows, keyed by the dependency versions and locked while in use; none of these targets
# touches .venv. First run: about 260 MB of downloads and 3-5 min to prepare, then the build's 5-11 min.
windows-toolchain:
	bash packaging/windows/toolchain.sh

# dist/windows/testimony-intake/ (intake-app.exe, intake.exe) and dist/windows/testimony-intake-windows-x64.zip, with the
# same spec as `make package`; also dist/windows/testimony-intake-setup-x64.exe (NSIS) when makensis is installed.
package-windows:
	bash packaging/windows/build.sh

# The core test suite (no Qt widgets) under the Windows CPython in Wine, against this source tree.
test-windows:
	bash packaging/windows/test.sh

# smoke_frozen.py's whole cycle against the .exe files under Wine, and intake-app.exe --self-test under Xvfb.
package-smoke-windows: package-windows
	bash packaging/windows/smoke.sh

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache

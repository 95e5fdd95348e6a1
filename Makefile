# Testimony Intake — developer entry points. `make run` starts the desktop app; `make test` runs lint and every test.
# Both create .venv on first use. `make test` also installs, when run as root, the Debian packages the tests need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
APT_PACKAGES := age minisign xvfb xauth fonts-noto-cjk libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libpulse0 desktop-file-utils strace
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint unit system-deps bench screenshots package package-smoke clean

run: $(STAMP_RUN)
	$(BIN)/intake-app

test: $(STAMP_DEV) system-deps
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit

unit: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP_DEV)
	$(BIN)/ruff check crypto intake_app ui tests bench
	$(BIN)/mypy

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(STAMP_RUN)

# The interop tests need stock age and minisign, the GUI checks need Xvfb and a CJK font. Installed only when missing and
# only as root (CI runs as root); otherwise the tests that need them say so and skip.
system-deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "warning: missing Debian packages:$$missing (run as root or install them; dependent tests will skip)"; \
	  fi; \
	fi

bench: $(STAMP_DEV)
	$(BIN)/python -m bench

screenshots: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots screenshots/out

# dist/testimony-intake/: one onedir folder with intake-app and intake (docs/packaging.md). package-smoke runs the frozen
# CLI's whole field-to-HQ cycle and the frozen GUI's --self-test against it (tests/packaging runs the same in make test).
package: $(STAMP_DEV)
	$(BIN)/python -m pip install -q -e '.[package]'
	$(BIN)/pyinstaller --noconfirm --clean packaging/testimony-intake.spec

package-smoke: package
	$(BIN)/python packaging/smoke_frozen.py dist/testimony-intake

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache

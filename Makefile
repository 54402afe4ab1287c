# Two commands on a fresh machine (Python 3.11+, make):
#   make run    set up .venv, analyse the bundled corpus (tables -> results/) and regenerate every
#               figure (the main job's and every notebook's, run top to bottom -> figures/;
#               executed copies of the notebooks -> build/notebooks/)
#   make test   set up .venv, lint, run the tests (notebooks included)
# A developer's fast loop: make check (lint and the unit tests: no notebooks, browser, 5 MB
# article or other long test; about a minute here). CI runs make test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock

.PHONY: setup run test check lab lock clean

setup: $(STAMP)

# Every dependency comes from $(LOCK), pinned by name, version and sha256: pip checks each
# file's hash (--require-hashes) and installs wheels only (no build step runs foreign code).
# The lock is complete, so pip resolves nothing (--no-deps): an old pip otherwise looks up a
# dependency's extras (lxml[html_clean]) on the package index and refuses the newer version it finds.
# `pip check` then confirms that the locked set satisfies every requirement.
# The project itself is then installed without dependencies, built with the locked setuptools.
# The lock is for Python 3.11 on x86_64 Linux; the optional "train" extra is not in it.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --only-binary :all: -r $(LOCK)
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: setup
	$(BIN)/python -m analysis figures --corpus corpus --results results --out figures

test: setup
	$(BIN)/ruff check analysis tests
	$(BIN)/python -m pytest

check: setup
	$(BIN)/ruff check analysis tests bench
	$(BIN)/python -m pytest -q -x -m "not browser and not slow and not long" --ignore=tests/test_notebooks.py

lab: setup
	$(BIN)/jupyter lab notebooks

# Regenerate $(LOCK) after changing a pin in pyproject.toml (a maintainer's task: it asks the
# package index for every file's hash). uv runs from a throwaway venv, never from $(VENV).
LOCK_TOOL ?= /tmp/discourse-analysis-lock-tool
lock:
	$(PYTHON) -m venv $(LOCK_TOOL)
	$(LOCK_TOOL)/bin/python -m pip install --quiet uv==0.13.9
	printf 'setuptools>=77\n' | $(LOCK_TOOL)/bin/uv pip compile pyproject.toml - --extra dev --generate-hashes \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" --quiet \
		--output-file $(LOCK)

clean:
	rm -rf $(VENV) results figures build .pytest_cache

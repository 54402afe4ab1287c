# Two commands on a fresh machine (Python 3.11+, make):
#   make run    set up .venv, analyse the bundled corpus (tables -> results/) and regenerate every
#               figure (the main job's and every notebook's, run top to bottom -> figures/;
#               executed copies of the notebooks -> build/notebooks/)
#   make test   set up .venv, lint, run the tests (notebooks included)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test lab clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,model]"
	touch $(STAMP)

run: setup
	$(BIN)/python -m analysis figures --corpus corpus --results results --out figures

test: setup
	$(BIN)/ruff check analysis tests
	$(BIN)/python -m pytest

lab: setup
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) results figures build .pytest_cache

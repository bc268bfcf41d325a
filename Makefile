# Front door. `make reports` builds every report; `make test` runs the whole test suite.
# Both create the virtual environment .venv/ first if it is missing or out of date.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all reports test lint venv lab clean build benchmarks share pdf clobber

all: reports

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

## Clean the raw workshop and survey data, then build every report in catalogue.yaml into reports/
## (`analysis reports`; the same command without make). Exit code 3 when a report's data are missing
## (BUILD_ARGS=--allow-missing accepts that); 1 when a report failed or a raw file could not be read.
reports: $(STAMP)
	$(BIN)/analysis reports $(BUILD_ARGS)

## The whole test suite: style and architecture checks (pre-commit), then unit, integration,
## notebook-build and browser tests.
test: lint
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

## ruff (lint + format), notebooks without outputs, import contracts, end-of-file and white space.
## The hooks fix what they can; a fix still fails the run, so commit the fixed files.
lint: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

clean: $(STAMP)
	$(BIN)/analysis clean

build: $(STAMP)
	$(BIN)/analysis build $(BUILD_ARGS)

share: $(STAMP)
	$(BIN)/analysis build --share $(BUILD_ARGS)

## An A4 PDF of every built report for the meeting papers (needs Chromium: apt install chromium).
pdf: $(STAMP)
	$(BIN)/analysis build --pdf $(BUILD_ARGS)

## JupyterLab with the project's own kernel. Installs JupyterLab and the kernel once (its own stamp),
## so later starts need no network and never reinstall the package.
LAB_STAMP := $(VENV)/.lab-installed

$(LAB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (kommune-analyse)"
	@touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab notebooks/

benchmarks: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## Remove everything derived (data/processed/, reports/); data/raw/ is never touched.
clobber:
	find data/processed reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

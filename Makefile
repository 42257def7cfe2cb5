# Two commands on a fresh machine with Python 3.11+, git and make: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The seed text the bundled CSTO log quotes lives beside the clone, not in it (docs/log-format.md, "Sources").
SEEDS := ../shared/seeds

.PHONY: demo test venv clean bench mutation shell

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "orgsim needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@if [ -d $(SEEDS) ]; then echo "$(BIN)/orgsim validate"; $(BIN)/orgsim validate; else \
	  echo "note: $(SEEDS) is not beside this clone, so the CSTO log's quotes cannot be compared with its seed text:"; \
	  echo "      validating everything else (orgsim validate --no-source-check)"; \
	  $(BIN)/orgsim validate --no-source-check; fi
	$(BIN)/orgsim state --at 2009-08-01
	$(BIN)/orgsim conflicts
	mkdir -p out
	$(BIN)/orgsim state --at 2009-08-01 --format json > out/state-2009-08-01.json
	$(BIN)/orgsim events --format csv > out/events.csv
	$(BIN)/orgsim timeline --format csv > out/timeline.csv
	$(BIN)/orgsim conflicts --format json > out/conflicts.json
	$(BIN)/orgsim report -o out/report
	@echo "open $(CURDIR)/out/report/index.html"
	@echo "orgsim is installed in $(VENV), not on your PATH: run 'make shell' (a shell with it on the PATH),"
	@echo "or 'source $(VENV)/bin/activate', then 'orgsim --help'"

# A shell with .venv's orgsim on the PATH ('exit' leaves it).
shell: $(STAMP)
	@echo "orgsim is on the PATH of this shell; 'exit' to leave it"
	@PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" exec $${SHELL:-/bin/sh}

test: $(STAMP)
	$(BIN)/python -m pytest

# Benchmarks against Raphtory, DyNetX, eventsourcing and pandas (a few minutes; docs/benchmarks.md).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	mkdir -p out
	$(BIN)/python -m bench --markdown out/benchmarks.md

# Mutation testing of the core with cosmic-ray (not in CI; resumable; report in docs/testing.md).
# `make mutation MODULES="dates reconcile"` runs some modules, WORKERS=1 one mutant at a time; see tools/mutation.py.
WORKERS ?= 2
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet 'cosmic-ray>=8.7' 'pytest-cov>=5'
	$(BIN)/python tools/mutation.py --workers $(WORKERS) $(MODULES)
	$(BIN)/python tools/mutation.py --listed
	$(BIN)/python tools/mutation.py --report

clean:
	rm -rf $(VENV) out

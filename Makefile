# Two commands on a fresh machine with Python 3.11+, git and make: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "orgsim needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/orgsim validate
	$(BIN)/orgsim state --at 2009-08-01
	$(BIN)/orgsim conflicts
	$(BIN)/orgsim report -o out/report

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out

# Two commands on a fresh machine: `make run` (the whole pipeline on seeds/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test test-fast bench score clean

$(BIN)/vnindustry: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

install: $(BIN)/vnindustry

run: install
	$(BIN)/vnindustry run

test: install
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not e2e"

bench: install
	$(BIN)/vnindustry bench

score: install
	$(BIN)/vnindustry score

clean:
	rm -rf data dbt/target dbt/logs

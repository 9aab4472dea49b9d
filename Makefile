# Two commands on a fresh machine: `make run` (the whole pipeline on seeds/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test test-fast bench score deploy clean

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

# Register both deployments of prefect.yaml on the Prefect server at PREFECT_API_URL, creating the
# `vnindustry` process work pool first; then run `prefect worker start --pool vnindustry` here.
deploy: install
	@test -n "$$PREFECT_API_URL" || { echo "set PREFECT_API_URL to your Prefect server, e.g. http://127.0.0.1:4200/api" >&2; exit 2; }
	$(BIN)/prefect work-pool create vnindustry --type process --overwrite
	$(BIN)/prefect --no-prompt deploy --all

clean:
	rm -rf data dbt/target dbt/logs

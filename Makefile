PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint install bench bench-quick mutation
BENCHMARKS := purge applicant_list decision apply

# The stamp is rebuilt when pyproject.toml changes, so dependencies stay current.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Web server and queue worker together; Ctrl-C stops both.
run: export DEBUG ?= 1
run: install
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) ats_demo
	@$(MANAGE) qcluster & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	mkdir -p var
	$(BIN)/ruff check .
	$(MANAGE) makemigrations --check --dry-run

# Benchmarks are not tests: they measure, against PostgreSQL and the local S3 server.
bench: install
	for name in $(BENCHMARKS); do $(BIN)/python bench/$$name.py || exit 1; done

# Tiny sizes, so that CI notices a benchmark that no longer runs.
bench-quick: install
	for name in $(BENCHMARKS); do $(BIN)/python bench/$$name.py --quick || exit 1; done

# Mutation testing of the retention rules and the querysets that apply them (minutes;
# not in CI): every surviving mutant is a rule no test pins. Results stay in mutants/.
mutation: install
	$(BIN)/mutmut run
	$(BIN)/mutmut results

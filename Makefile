# PromptVault: every install step lives here, so a clean clone needs nothing by hand.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export AWS_ACCOUNT_ID_ENDPOINT_MODE := disabled
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
UV_BIN := $(HOME)/.local/bin
UV := $(shell command -v uv 2>/dev/null || echo $(UV_BIN)/uv)
PY := .venv/bin/python
STAGE ?= dev
PORT ?= 3000
SEARCH ?= tantivy

.PHONY: help install run test lint format unit bench synth deploy openapi events-doc reindex smoke clean cdk-cli browser

help:
	@grep -E '^[a-z-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --user --quiet --disable-pip-version-check uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

install: .venv/.synced ## install Python, dependencies and tools (idempotent)

run: install ## start the whole product locally on 127.0.0.1:$(PORT) (SEARCH=tantivy|opensearch)
	PORT=$(PORT) SEARCH=$(SEARCH) $(PY) -m infra.local

lint: install ## ruff (lint + format check) and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy layers functions infra

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: lint browser ## lint, then the whole test suite
	$(PY) -m pytest -n 2 --dist loadgroup -rs

# Headless Chromium for the browser tests (tests/e2e/test_outbox_page.py): Debian's chromium,
# installed with apt-get when it is missing and we are root. Never fails: where it cannot be
# installed, it says so and the browser tests skip, naming why.
CHROMIUM := /usr/bin/chromium

browser: ## headless Chromium for the browser tests (Debian's chromium, as root; else they skip)
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	  echo "make browser: $(CHROMIUM) is missing and apt-get cannot run here (not root, or no apt): the browser tests will skip"; exit 0; \
	fi; \
	echo "make browser: installing Debian's chromium (apt-get)"; \
	if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then \
	  $(CHROMIUM) --version 2>/dev/null || true; \
	else echo "make browser: apt-get could not install chromium: the browser tests will skip"; fi

unit: install
	$(PY) -m pytest tests/unit tests/integration

bench: install ## benchmarks: prints tables, writes bench/results.json
	$(PY) -m bench

# --- infrastructure (CDK) -------------------------------------------------------
CDK := node_modules/.bin/cdk

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

cdk-cli: node_modules/.installed ## install the pinned AWS CDK CLI (aws-cdk@2, package-lock.json)

synth: install ## synthesize STAGE=dev|staging|prod into cdk.out/ (offline; cdk-nag must pass)
	$(PY) -m infra.app --stage $(STAGE) --out cdk.out

deploy: install cdk-cli ## deploy STAGE's stacks with `cdk deploy` (needs AWS credentials)
	$(CDK) deploy --all -c stage=$(STAGE) --require-approval broadening

reindex: install ## rebuild the search index from the table (TABLE_NAME, DYNAMODB_ENDPOINT, SEARCH_*)
	$(PY) -m promptvault.streams.reindex

smoke: install ## after a deploy: create, read, search, delete one prompt at URL (SMOKE_API_KEY)
	$(PY) -m infra.smoke --stage $(STAGE) --url "$(URL)"

openapi: install ## regenerate docs/openapi.json from the catalogue and the route modules
	$(PY) -m infra.openapi > docs/openapi.json

events-doc: install ## regenerate docs/events.md from the event catalogue
	$(PY) -m promptvault.events.docs > docs/events.md

clean:
	rm -rf .venv cdk.out .pytest_cache .mypy_cache .ruff_cache

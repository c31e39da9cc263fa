# Two commands matter: `make run` and `make test`. Both create .venv on a fresh machine.
# The venv runs on the Lambda runtime's Python (infra/runtime_python.py: on PATH or in pyenv), so
# the suite, the benchmarks and the bundling run on the Python that ships; without it, python3,
# with a warning. `make PYTHON=…` chooses another.
RUNTIME_PYTHON := $(shell python3 infra/runtime_python.py 2>/dev/null)
ifeq ($(origin PYTHON), undefined)
  ifeq ($(RUNTIME_PYTHON),)
    PYTHON := python3
    $(warning $(shell python3 infra/runtime_python.py 2>&1 >/dev/null): using python3, so the tests do not run on the Python that ships and `make synth` cannot compile the functions' bytecode)
  else
    PYTHON := $(RUNTIME_PYTHON)
  endif
endif
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
# A venv of another Python (one made before the runtime's was chosen) is made again.
STAMP := $(VENV)/.installed-py$(PYTHON_VERSION)-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: run up down test lint format unit integration e2e infra synth template cfn-lint security clean backup retention \
	fuzz browser screenshots bench bench-sheets bench-cold bench-snapstart bench-export cost load

# checkov pins boto3 and packaging below what the project needs: it gets a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(shell cat requirements-checkov.txt | cksum | cut -d' ' -f1)

$(STAMP): pyproject.toml
	@if [ -x $(PY) ] && [ "$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYTHON_VERSION)" ]; then \
	  echo "$(VENV) runs another Python than $(PYTHON_VERSION): making it again"; rm -rf $(VENV); fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

$(CHECKOV_STAMP): requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	rm -f $(CHECKOV_VENV)/.installed-* && touch $@

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m local

# `make up`: the same stack in the background, its output in $(RUN_LOG); returns once
# /v1/health answers (or fails with the log's last lines). `make down` stops it. PORT must be fixed.
RUN_LOG ?= .build/run.log
RUN_PID ?= .build/run.pid
up: $(STAMP)
	@mkdir -p $(dir $(RUN_LOG)) $(dir $(RUN_PID))
	@if [ -f $(RUN_PID) ] && kill -0 "$$(cat $(RUN_PID))" 2>/dev/null; then \
	  echo "already running (pid $$(cat $(RUN_PID)); make down stops it)"; \
	else nohup $(PY) -m local >$(RUN_LOG) 2>&1 </dev/null & echo $$! >$(RUN_PID); fi
	@$(PY) -m local.wait --pid "$$(cat $(RUN_PID))" --log $(RUN_LOG) \
	  "http://$${HOST:-127.0.0.1}:$${PORT:-8000}/v1/health" || { $(MAKE) --no-print-directory down; exit 1; }
	@echo "up: http://$${HOST:-127.0.0.1}:$${PORT:-8000}/v1 (docs at /v1/docs, log in $(RUN_LOG); make down stops it)"

# SIGTERM, then up to 15 s for the stack to stop (it frees its ports before exiting).
down:
	@if [ -f $(RUN_PID) ]; then pid=$$(cat $(RUN_PID)); n=0; \
	  if kill "$$pid" 2>/dev/null; then while kill -0 "$$pid" 2>/dev/null && [ $$n -lt 150 ]; do sleep 0.1; n=$$((n+1)); done; fi; \
	  rm -f $(RUN_PID); fi

test: lint $(STAMP) browser
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory cfn-lint security

# The OAuth callback page is tested in a real headless Chromium: Debian's package (Playwright
# cannot download browsers here). Without root/apt the browser test is skipped, and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null 2>&1 \
	    && echo "installed chromium" || echo "chromium could not be installed: the browser test will be skipped"; }

# Pictures of every Privacy Center page for docs/privacy-center/ (README links them): a stack of
# its own, a demo account, Debian's chromium. Not part of `make test`.
screenshots: $(STAMP) browser
	$(PY) -m local.screenshots --out docs/privacy-center

# Google Sheets import against a raw BatchWriteItem loop, 10,000 to 1,000,000 rows at 0 and 5 ms
# per DynamoDB call; prints the figures and rewrites its section of docs/benchmarks.md. Not part of
# `make test`. Narrower: make bench-sheets BENCH_ARGS="--sizes 10000 --latencies 5 --no-doc".
bench-sheets: $(STAMP)
	$(PY) -m benchmarks.sheets_import $(BENCH_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

unit: $(STAMP)
	$(PY) -m pytest -q tests/unit
integration: $(STAMP)
	$(PY) -m pytest -q tests/integration
e2e: $(STAMP)
	$(PY) -m pytest -q tests/e2e
infra: $(STAMP)
	$(PY) -m pytest -q tests/infra

# Schemathesis with a larger budget than `make test`'s: 150 cases per operation (not 25) and 300
# linked call sequences (not 50); the convergence test with 8 devices x 6 rounds x 12 operations
# (not 5 x 3 x 6).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-150} FUZZ_SCENARIOS=$${FUZZ_SCENARIOS:-300} \
	CONVERGENCE_DEVICES=$${CONVERGENCE_DEVICES:-8} CONVERGENCE_ROUNDS=$${CONVERGENCE_ROUNDS:-6} \
	CONVERGENCE_OPS=$${CONVERGENCE_OPS:-12} \
		$(PY) -m pytest -q -p no:cacheprovider -s tests/e2e/test_fuzz_api.py tests/e2e/test_convergence.py

# Production template and assets (offline): the layer and the code bundled with bytecode written
# by the runtime's Python (infra/runtime_python.py); `npx aws-cdk synth` does the same.
synth: $(STAMP)
	$(PY) -m infra.synth cdk.out

# One offline synth per make run (template only, no bundling), shared by the template checks below.
template: $(STAMP)
	$(PY) -m infra.synth --no-bundling .build/cdk.out >/dev/null

cfn-lint: template
	$(VENV)/bin/cfn-lint .build/cdk.out/*.template.json

# Security review of the template, offline (no API key, no download, no update check). Skips
# are by ID in .checkov.yaml or on one resource (infra/checkov.py); reasons in docs/security.md.
security: template $(CHECKOV_STAMP)
	BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE $(CHECKOV_VENV)/bin/checkov \
		--config-file .checkov.yaml --skip-download -f .build/cdk.out/*.template.json

# Benchmarks (figures in docs/benchmarks.md). `bench` gathers the offline ones; `load` drives a
# stack: in-process by default, or `make load URL=http://127.0.0.1:8000` against `make run`.
bench: bench-sheets bench-cold bench-export

# The Privacy Center's "download everything" for a 10,000-lead account on the local stack.
bench-export: $(STAMP) browser
	$(PY) -m benchmarks.export

bench-cold: $(STAMP)
	$(PY) -m benchmarks.cold_start

# First request in a fresh process against a forked (restored) copy, primed or not.
bench-snapstart: $(STAMP)
	$(PY) -m benchmarks.snapstart

# docs/cost.md from the price table and usage profile in benchmarks/cost_model.py.
cost: $(STAMP)
	$(PY) -m benchmarks.cost_model --write

load: $(STAMP)
	$(PY) -m benchmarks.load $(if $(URL),--url $(URL))

clean:
	rm -rf .build cdk.out .pytest_cache .mypy_cache .ruff_cache

# Operator commands against `make run`'s stack (it writes .build/local.env); in AWS, run
# `python -m ops …` with the deployment's environment instead.
backup retention: $(STAMP)
	set -a && . ./.build/local.env && set +a && $(PY) -m ops $@

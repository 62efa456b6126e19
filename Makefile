# The two commands a newcomer needs: `make lab` and `make test`. Every target sets up .venv first
# (fast when it is already done) so a fresh clone needs nothing else.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The torch release; on Linux install.py takes it from the CPU-only index (no CUDA libraries).
# Empty: install.py's default for this Python (torch 2.13.0, or the first release with a wheel for
# a newer Python, e.g. 2.15 on 3.15).
TORCH ?=
STAMP := $(VENV)/.rseai-installed
NO_BROWSER ?=
PORT ?= 8888
CELL_TIMEOUT ?= 600
NB ?= 01

# Nothing reaches a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: guides core-times install model lab test lint unit other-cpu notebooks student bench bench-quick claims-seeds clean app \
	browser-deps browser offline slides hub hub-deps hub-test

# Classroom checks (issue 8): notebooks with the network cut off, real JupyterLab/Voila in Chromium.
OFFLINE := $(BIN)/python tests/offline/offline.py --
CHROMIUM ?= /usr/bin/chromium

install: $(STAMP)

# One implementation for every OS: rseai/ops/install.py (torch from the CPU-only index on Linux).
$(STAMP): pyproject.toml setup.py rseai/ops/install.py
	@$(PYTHON) -m rseai.ops.install --venv $(VENV) --editable --extras test,hub $(if $(TORCH),--torch "$(TORCH)",)
	@touch $(STAMP)

model: install
	$(BIN)/rseai prepare

# The same entry point as `rseai lab` / `py -m rseai lab` on Windows: model, cache, JupyterLab.
lab: install
	$(BIN)/rseai lab notebooks --port=$(PORT) $(if $(NO_BROWSER),--no-browser,)

lint: install
	$(BIN)/ruff check rseai tests benchmarks hub

# The notebook tests here (student versions) reuse the answers `make offline` just recomputed.
unit: model
	RSEAI_ANSWERS=$(CURDIR)/build/answers RSEAI_SHARED_ANSWERS= $(BIN)/pytest -rs --durations=15 \
	  --doctest-modules rseai tests

# Notebooks run with an empty answer store, so every claim they assert is recomputed (the
# browser tests, run after them in `make test`, reuse those answers).
FRESH_ANSWERS = rm -rf build/answers && RSEAI_ANSWERS=$(CURDIR)/build/answers RSEAI_SHARED_ANSWERS=

notebooks: model
	$(FRESH_ANSWERS) $(BIN)/pytest --nbval-lax --nbval-cell-timeout=$(CELL_TIMEOUT) notebooks

# `offline` is the notebook suite (as `notebooks`) run with no network, plus proof that it is cut.
test: lint offline unit other-cpu hub-test browser bench-quick

# Floating point differs between CPUs (AVX-512, AVX2, ARM). The numerically sensitive tests and the
# claims of 01, 02 and 06 run once more on torch's plain kernels (ATEN_CPU_CAPABILITY=default), a
# stand-in for another CPU; OTHER_CPU=avx2 picks that path instead.
OTHER_CPU ?= default
SENSITIVE_TESTS ?= tests/lm/test_decode.py tests/lm/test_sampling.py tests/lm/test_model.py \
	tests/detection/test_scores.py tests/hallucination/test_answers.py
SENSITIVE_NOTEBOOKS ?= notebooks/01_*.ipynb notebooks/02_*.ipynb notebooks/06_*.ipynb
other-cpu: model
	@ATEN_CPU_CAPABILITY=$(OTHER_CPU) $(BIN)/python -c "import torch; c = torch.backends.cpu.get_cpu_capability(); \
	  print('torch CPU path:', c); assert c.lower() == '$(OTHER_CPU)', 'ATEN_CPU_CAPABILITY was not applied'"
	ATEN_CPU_CAPABILITY=$(OTHER_CPU) $(BIN)/pytest -rs $(SENSITIVE_TESTS)
	rm -rf build/answers-$(OTHER_CPU) && ATEN_CPU_CAPABILITY=$(OTHER_CPU) RSEAI_ANSWERS=$(CURDIR)/build/answers-$(OTHER_CPU) \
	  RSEAI_SHARED_ANSWERS= $(BIN)/pytest --nbval-lax --nbval-cell-timeout=$(CELL_TIMEOUT) $(SENSITIVE_NOTEBOOKS)

offline: model
	$(FRESH_ANSWERS) $(OFFLINE) $(BIN)/pytest -rs --nbval-lax --nbval-cell-timeout=$(CELL_TIMEOUT) tests/offline notebooks

# Debian's chromium (as root, via apt-get) and the playwright package; never `playwright install`.
# A failed apt-get stops here with its whole log. Without root: under CI=true an error, else a
# loud warning (the browser tests then skip, and say so).
CHROMIUM_INSTALL := apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
browser-deps: install
	@test -x $(CHROMIUM) || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests (log: $(VENV)/chromium.log) ..."; \
	  { $(CHROMIUM_INSTALL); } > $(VENV)/chromium.log 2>&1 \
	  || { cat $(VENV)/chromium.log; echo "*** make browser-deps: installing chromium failed (whole log above;" \
	       "command: $(CHROMIUM_INSTALL)) ***"; exit 1; }; \
	  test -x $(CHROMIUM) || { echo "*** apt-get succeeded but there is no $(CHROMIUM) ***"; exit 1; }; \
	  elif [ "$$CI" = true ]; then echo "*** No $(CHROMIUM) and not root with apt-get: run" \
	    "'sudo $(CHROMIUM_INSTALL)' or set CHROMIUM=/path/to/chromium ***"; exit 1; \
	  else echo "*** No $(CHROMIUM) and not root with apt-get: the browser tests will SKIP; run" \
	    "'sudo $(CHROMIUM_INSTALL)' ***"; fi; }
	@$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install -q "playwright>=1.40"
	@$(BIN)/python -c "import axe_playwright_python" 2>/dev/null || $(BIN)/python -m pip install -q "axe-playwright-python>=0.1.8"

browser: browser-deps model
	RSEAI_ANSWERS=$(CURDIR)/build/answers RSEAI_SHARED_ANSWERS= RSEAI_BROWSER_TESTS=1 RSEAI_CHROMIUM=$(CHROMIUM) \
	  $(OFFLINE) $(BIN)/pytest -rs --durations=20 tests/browser

# Voila: a notebook as a code-free app, e.g. `make app NB=03` (NO_BROWSER=1 on a server).
app: model
	@nb=$$(ls notebooks/$(NB)*.ipynb 2>/dev/null | head -n 1); \
	test -n "$$nb" || { echo "No notebook matches notebooks/$(NB)*.ipynb; try NB=01"; exit 1; }; \
	app=$$($(BIN)/rseai app build/app "$$nb") || exit 1; \
	echo "Serving $$nb (without instructor notes) on http://localhost:$(PORT)/ (Ctrl-C stops it)"; \
	JUPYTER_PATH="$$($(BIN)/python -c 'from rseai.classroom.app import VOILA_SHARE; print(VOILA_SHARE)')" \
	JUPYTER_CONFIG_PATH="$$($(BIN)/python -c 'from rseai.classroom.app import VOILA_CONFIG; print(VOILA_CONFIG)')" \
	  $(BIN)/voila "$$app" --port=$(PORT) --theme=light --template=rseai $(if $(NO_BROWSER),--no-browser,)

# Presenter mode: RISE slide types (notes cells are speaker notes); the Colab link and cell (idempotent).
slides: install
	$(BIN)/python -m tools.slides notebooks/*.ipynb README.md

# Facilitator guides, participant handouts, the 90-minute session and pre/post questions, from the notebooks.
guides: install
	$(BIN)/python docs/guides/build_guides.py notebooks docs/guides

# Measure how long each notebook's core-path code runs (docs/guides/core_path_seconds.json), then
# write the guides that quote it. Runs every notebook once (minutes); BENCH_NOTEBOOKS="00 06" picks.
core-times: model
	$(BIN)/python benchmarks/bench_core_path.py; status=$$?; $(MAKE) guides; exit $$status

student: install
	$(BIN)/rseai student notebooks student

# Each benchmark exits non-zero on a missed goal; all run, then the make fails if any missed.
# Full runs write benchmarks/results/*.json and the README table (benchmarks/render_readme.py),
# and the guides quote bench_core_path's timings.
BENCH_QUICK_SCRIPTS ?= bench_risk bench_lm bench_next_token bench_decode bench_streaming bench_labels \
	bench_hallucination bench_carbon bench_memory bench_detection bench_attribution
bench: model
	@failed=""; for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || failed="$$failed $$f"; done; \
	$(BIN)/python benchmarks/render_readme.py; \
	$(BIN)/python docs/guides/build_guides.py notebooks docs/guides; \
	test -z "$$failed" || { echo "*** missed goals:$$failed ***"; exit 1; }

# The same scripts with fewer repeats and smaller inputs (under 3 minutes); part of `make test`.
# A script that misses a goal is measured once more and fails if it misses again (run_quick.py).
bench-quick: model
	$(BIN)/python benchmarks/run_quick.py $(BENCH_QUICK_SCRIPTS)

# Replays each notebook's story for 5 seeds and reports which claims survive every seed (docs/claims-seeds.md).
claims-seeds: model
	$(BIN)/python -m tests.notebooks.claims_seeds

# A class on one server (README "Teaching on a JupyterHub"): JupyterHub from PyPI (the [hub] extra),
# configurable-http-proxy from npm into hub/node_modules. Run as root: one account per participant.
HUB_PORT ?= 8000
HUB_ADMINS ?=
PROXY := hub/node_modules/.bin/configurable-http-proxy

hub-deps: install $(PROXY)

$(PROXY): hub/package.json hub/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install nodejs npm (or see nodejs.org)"; exit 1; }
	npm ci --prefix hub --no-audit --no-fund
	@touch $(PROXY)

hub: hub-deps model
	$(BIN)/python hub/start.py --port $(HUB_PORT) --admins "$(HUB_ADMINS)"

# Isolation and faults against a real hub with real accounts (needs root, as CI runs).
hub-test: hub-deps model
	$(BIN)/pytest -rs tests/hub

clean:
	rm -rf student .pytest_cache

# --- A release and the offline bundle (issue 23, item 5) ----------------------------------------------
.PHONY: dist bundle-test

# The sdist and, built from it, the wheel in dist/; then the wheel is checked in a fresh virtual
# environment with no source tree (notebook 03 runs there; tests/ops/test_wheel.py). While
# pyproject.toml's [project.urls] Source is the placeholder it refuses: `make dist HANDOUT=1` builds a
# private hand-out, whose notebooks and README point at the wheel itself, not at a home.
HANDOUT ?=
dist: install
	rm -rf dist
	$(BIN)/python -m tools.release dist $(if $(HANDOUT),--handout,)
	RSEAI_DIST=$(CURDIR)/dist $(BIN)/pytest -rs tests/ops/test_wheel.py

# The bundle's proof (downloads ~1.5 GB the first time, then pip's cache serves it): a Linux bundle
# installed with the network cut runs notebook 00; the Windows and macOS bundles resolve alone (uv).
UV_VENV := build/uv
$(UV_VENV)/bin/uv:
	$(PYTHON) -m venv $(UV_VENV) && $(UV_VENV)/bin/pip install -q uv

bundle-test: install $(UV_VENV)/bin/uv
	RSEAI_BUNDLE_TEST=1 RSEAI_UV=$(CURDIR)/$(UV_VENV)/bin/uv $(BIN)/pytest -rs -s tests/ops/test_bundle.py

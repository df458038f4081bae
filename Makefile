# The two commands of the README:  `make demo`  and  `make test`.
PYTHON := $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test install lint typecheck check serve clean

$(BIN)/accountplan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/accountplan  ## create the virtualenv and install the app with its dev tools

demo: install  ## demo book on the embedded SQLite database, a printed login, then the server
	$(BIN)/accountplan demo --bind 127.0.0.1:$(PORT)

serve: install
	$(BIN)/accountplan serve --bind 127.0.0.1:$(PORT)

test: install  ## the whole test suite (unit, database, API, importer and browser tests)
	scripts/ensure-chromium
	scripts/ensure-office
	$(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy src

check: lint typecheck
	$(BIN)/accountplan makemigrations --check --dry-run

clean:
	rm -rf $(VENV) build *.egg-info

# reportgen — every target sets up what it needs on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXAMPLE := inputs/example-2018.xlsx
EXAMPLE_ANNUAL := inputs/example-annual.xlsx

.PHONY: demo test lint bench clean template example catalog docs serve

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (python -m venv, pip install -e '.[dev]'); log: $(VENV)/install.log"
	@$(PY) -m venv $(VENV)
	@( $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e '.[dev]' ) \
		> $(VENV)/install.log 2>&1 || { tail -30 $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

demo: $(STAMP)  ## set up, build both example reports and say where they went
	$(BIN)/reportgen build $(EXAMPLE) -o build
	$(BIN)/reportgen build $(EXAMPLE_ANNUAL) -o build

serve: $(STAMP)  ## start the page on http://127.0.0.1:8000/ and open it in the browser
	$(BIN)/reportgen serve --open

test: $(STAMP) lint  ## lint, type-check and run the tests
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks
	$(BIN)/mypy

bench: $(STAMP)  ## speed figures as ratios against a baseline measured in the same run
	$(BIN)/python benchmarks/run.py

template: $(STAMP)  ## regenerate the Word template of every shipped kind (one generator)
	$(BIN)/python tools/make_template.py templates/letter/template.docx
	$(BIN)/python tools/make_template.py templates/annual-report/template.docx
	$(BIN)/python tools/make_template.py templates/annual-free/template.docx

example: $(STAMP)  ## regenerate the example workbooks (the 2018 letter; the fictional annual report)
	$(BIN)/python tools/make_example.py inputs/sources/letter-2018.txt $(EXAMPLE)
	$(BIN)/python tools/make_example_annual.py $(EXAMPLE_ANNUAL)

docs: $(STAMP)  ## regenerate docs/cli.md from the commands' --help
	$(BIN)/python tools/make_cli_reference.py

catalog: $(STAMP)  ## add new messages to the Chinese catalog
	$(BIN)/python tools/update_catalog.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

# Two commands matter: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint bench venv clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "coder needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# An editable install leaves coder's own modules uncompiled, and where PYTHONDONTWRITEBYTECODE
	@# is set every command would compile them again at start-up; a wheel install compiles them.
	$(BIN)/python -m compileall -q coder > /dev/null
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/coder demo --path demo/tonghe.coder

test: $(STAMP)
	$(BIN)/python -m ruff check coder tests bench
	$(BIN)/python -m mypy coder
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/python -m ruff check coder tests bench
	$(BIN)/python -m ruff format --check coder tests bench
	$(BIN)/python -m mypy coder
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo bench/out

# The two commands of the README:
#   make demo   set up, register the bundled corpus/ and scan its releases (embedded SQLite registry)
#   make test   set up and run the test suite (starts a throwaway PostgreSQL, installs Chromium if missing)
VENV ?= .venv
PY := $(VENV)/bin/python
DG := $(VENV)/bin/dockguard

.PHONY: setup demo test lint bench-quality bench-speed clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: a local CPU wheel here (anything else pulls gigabytes of CUDA)
	$(PY) -m pip install -q torch==2.13.0
	# a venv from before the move to the official opencc holds opencc-python-reimplemented, which
	# installs the same `opencc` module: remove it, then reinstall the official files it shared
	if $(PY) -m pip show -q opencc-python-reimplemented 2>/dev/null; then \
		$(PY) -m pip uninstall -q -y opencc-python-reimplemented && \
		$(PY) -m pip install -q --force-reinstall --no-deps 'opencc>=1.4.2,<1.5'; fi
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo: setup
	$(DG) model build
	$(DG) register --manifest corpus/registry.tsv --skip-existing
	# exit 1 means "copies were found", which is what the demo shows
	$(DG) scan corpus/releases/ --report out/report.html --format text; test $$? -le 1
	@echo "Open out/report.html in a browser for the evidence."

test: setup
	bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check dockguard tests benchmarks cli.py
	$(VENV)/bin/mypy

bench-quality: setup
	$(PY) benchmarks/quality.py ../shared/eval/dev

bench-speed: setup
	$(PY) benchmarks/speed.py ../shared/eval/dev

clean:
	rm -rf $(VENV) out .pytest_cache

# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make demo   render the example briefs into out/
#   make test   run the whole test suite
# For the edit loop and CI: make test-fast (the tests not marked slow), make lint (the import
# contract, ruff, mypy), make docs (the mkdocs site, --strict, into site/).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSSTAMP := $(VENV)/.system-deps
# pdf.js for the engine matrix (tests/engines): pinned by its package-lock.json
PDFJS    := tests/engines/pdfjs/node_modules/.installed

.PHONY: demo test test-fast lint docs doctor bench fuzz fonts clean system-deps

demo: $(STAMP)
	$(BIN)/briefbook doctor --quiet
	$(BIN)/briefbook render briefs/*.yaml --out-dir out/

test: $(STAMP) $(PDFJS)
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP) $(PDFJS)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow"

# The house rules (pyproject.toml): layers in pipeline order and no cycles, lint, types.
lint: $(STAMP)
	PYTHONPATH=src $(BIN)/lint-imports
	$(BIN)/ruff check src
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet -d site

doctor: $(STAMP)
	$(BIN)/briefbook doctor

bench: $(STAMP)
	$(BIN)/python benchmarks/render_bench.py
	$(BIN)/python benchmarks/variants_bench.py --runs 3
	$(BIN)/python benchmarks/copies_bench.py
	$(BIN)/python benchmarks/edit_loop_bench.py
	$(BIN)/python benchmarks/dask_bench.py --copies 10000
	$(BIN)/python benchmarks/linear_bench.py --quick
	$(BIN)/python benchmarks/trace_bench.py --pages 4 --dpi 150
	$(BIN)/python benchmarks/ingest_bench.py --runs 3
	$(BIN)/python benchmarks/lighter_page_bench.py --runs 5
	$(BIN)/python benchmarks/loose_lines.py

# The long fuzz run: 10,000 generated briefs, project files, catalogs and articles; prints
# crashes (must be 0) and the slowest input (benchmarks/fuzz_bench.py).
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz_bench.py --inputs 10000

# Re-subset the bundled fonts from Debian's fonts-noto-cjk (needs hb-subset, and Unihan from
# unicode-data for the 通用规范汉字表).
fonts: $(STAMP)
	{ command -v hb-subset >/dev/null && ls /usr/share/unicode/Unihan_OtherMappings.txt.bz2 >/dev/null 2>&1; } || \
	  { apt-get update -qq && apt-get install -y -qq libharfbuzz-bin unicode-data; }
	$(BIN)/python scripts/build_fonts.py

system-deps:
	bash scripts/ensure-system-deps.sh

$(SYSSTAMP): scripts/ensure-system-deps.sh
	bash scripts/ensure-system-deps.sh
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq $(PYTHON)-venv; \
	  else echo "briefbook: $(PYTHON) lacks venv support; run: sudo apt-get install $(PYTHON)-venv" >&2; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	touch $@

$(STAMP): $(SYSSTAMP) pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(PDFJS): $(SYSSTAMP) tests/engines/pdfjs/package-lock.json
	cd tests/engines/pdfjs && npm ci --omit=optional --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) out dist site .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .cache test-artifacts tests/engines/pdfjs/node_modules

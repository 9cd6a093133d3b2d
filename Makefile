# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock

# Find a working Python >= 3.12 without asking the user to export anything. The pyenv shim
# `python3.12` only runs with PYENV_VERSION set, so pyenv installs are probed directly too.
define find_python
for c in "$${PYTHON:-}" python3.12 python3.13 python3 \
         "$$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python3 \
         "$$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 \
         /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
  [ -n "$$c" ] || continue; \
  if "$$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    "$$c" -c 'import sys; print(sys.executable)'; exit 0; fi; \
done; exit 1
endef

# Everything the package, its tests and the dashboard need from PyPI (versions pinned in the lock).
EXTRAS := dev,dashboard,browser,uncertainty
FRONTEND_STAMP := $(VENV)/.frontend
BROWSER_STAMP := $(VENV)/.browser

.PHONY: run test test-slow test-cluster lint bench bench-compare venv venv-reset clean lock dashboard
run: $(STAMP)
	$(PY) -m sim

test: $(STAMP) $(FRONTEND_STAMP) $(BROWSER_STAMP)
	$(PY) -m pytest

# The live negotiation room on http://127.0.0.1:8765 (Ctrl-C stops it). Overrides and options:
# `make dashboard ARGS="scenario.linkage=false"`, `ARGS="--run results/default/<time> --replicate 5"`.
dashboard: $(STAMP) $(FRONTEND_STAMP)
	$(PY) -m sim.dashboard $(ARGS)

# The page's front end, served from the venv so it works offline: solara-assets without its
# dependencies (they would replace this Solara), then KaTeX and Vega from the npm registry
# (`npm pack`, pinned in sim/dashboard/assets.py). npm comes from Debian when it is missing.
$(FRONTEND_STAMP): $(STAMP) sim/dashboard/assets.py
	$(PY) -m pip install --quiet --no-deps "$$(grep -i '^solara-assets==' $(LOCK))"
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's npm (to fetch the dashboard's front-end files)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "error: npm is needed for the dashboard's front-end files (apt-get install npm)" >&2; exit 1; fi; \
	fi
	$(PY) -m sim.dashboard.assets install
	@touch $@

# Debian's chromium for the browser tests (Playwright cannot download its own browser here). Only
# as root with apt-get; elsewhere the browser tests skip and say why.
$(BROWSER_STAMP):
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium (for the browser tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	    || { echo "note: could not install chromium; the browser tests will skip" >&2; exit 0; }; \
	else echo "note: no /usr/bin/chromium and not root: the browser tests will skip"; fi
	@mkdir -p $(VENV) && touch $@

test-slow: $(STAMP) $(FRONTEND_STAMP) $(BROWSER_STAMP)
	$(PY) -m pytest -m slow

# Sweeps on a local Ray cluster bound to 127.0.0.1. Installs the optional `ray` extra into the venv
# (hydra-ray-launcher pins cloudpickle < 3, so cloudpickle and joblib move below the lock's pins;
# `make venv-reset` puts them back).
test-cluster: $(STAMP)
	$(PY) -m pip install --quiet -e '.[$(EXTRAS),ray]'
	$(PY) -m pytest -m cluster -n 0  # one cluster at a time

venv-reset:
	$(PY) -m pip install --quiet -c $(LOCK) -e '.[$(EXTRAS)]'

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests experiments benchmarks
	$(VENV)/bin/ruff format --check sim tests experiments benchmarks
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m benchmarks.run_all

# Workload 2 on NegMAS 0.16 next to this engine, in a separate venv (NegMAS is only a comparator).
NEGMAS_VENV := .venv-negmas
NEGMAS_STAMP := $(NEGMAS_VENV)/.installed

bench-compare: $(STAMP) $(NEGMAS_STAMP)
	$(PY) -m benchmarks.eight_issue --out benchmarks/out/eight_issue.json
	$(NEGMAS_VENV)/bin/python benchmarks/negmas_compare.py --ours benchmarks/out/eight_issue.json

$(NEGMAS_STAMP):
	@if [ ! -x $(NEGMAS_VENV)/bin/python ]; then \
	  PYBIN=$$( $(find_python) ) || { echo "error: no Python >= 3.12 found; set PYTHON=/path/to/python3.12" >&2; exit 1; }; \
	  echo "creating $(NEGMAS_VENV) with $$PYBIN"; "$$PYBIN" -m venv $(NEGMAS_VENV); fi
	$(NEGMAS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEGMAS_VENV)/bin/python -m pip install --quiet negmas==0.16.0
	@touch $@

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@if [ ! -x $(PY) ]; then \
	  PYBIN=$$( $(find_python) ) || { echo "error: no Python >= 3.12 found (tried python3.12, python3.13, pyenv versions); install one or set PYTHON=/path/to/python3.12" >&2; exit 1; }; \
	  echo "creating $(VENV) with $$PYBIN"; "$$PYBIN" -m venv $(VENV); fi
	@echo "[1/2] upgrading pip in $(VENV)"
	$(PY) -m pip install --quiet --upgrade pip
	@echo "[2/2] installing the pinned dependencies of $(LOCK) (about a minute the first time; pip lists each one)"
	@set -o pipefail; $(PY) -m pip install --progress-bar off -c $(LOCK) -e '.[$(EXTRAS)]' \
	  | { grep --line-buffered -E '^(Collecting|Successfully|ERROR)' || true; }
	@echo "installed; next time this step is skipped"
	@touch $(STAMP)

# Re-pin every dependency from a fresh resolve (maintainers only).
lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > $(LOCK)

clean:
	rm -rf $(VENV) $(NEGMAS_VENV) .pytest_cache .mypy_cache .ruff_cache

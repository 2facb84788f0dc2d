# Two entry points: `make run` (launch the app on the demo night) and `make test`.
# Both create .venv on first use; later calls reinstall nothing unless
# requirements.txt or pyproject.toml changed (the stamp files track that).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser run test bench clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@# The environment takes about 2.5 GB (torch, YASA, Gradio); a full disk would
	@# otherwise stop pip halfway with an OSError and leave a broken .venv.
	@free=$$(df -Pk . | awk 'NR==2 {print $$4}'); [ "$$free" -ge 3500000 ] || \
	  { echo "make: installing .venv needs about 3.5 GB free here, but only $$((free / 1024)) MB is; free some disk space, then rerun."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@# Compile antropy's numba kernels into numba's cache once, here, rather than on the
	@# app's first start (5-7 s; see sleeplm_core/scoring/antropy_cache.py).
	$(PY) -c "from sleeplm_core.scoring.antropy_cache import import_antropy; import_antropy()"
	@touch $@

# Debian's Chromium drives the UI tests through Playwright (no browser download).
# Checked on every call rather than stamped: it lives outside .venv and can go away.
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver)

run: install
	$(PY) app.py

test: install browser
	$(PY) -m pytest -q

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache

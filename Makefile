# The README's two commands. Both work on a fresh clone of a fresh machine with Python 3.10+.
#   make demo  - the tutorials in JupyterLab against the embedded demo server
#   make test  - the whole test suite (unit, server, SDK, notebooks, browser)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8888

.PHONY: demo test lab-deps test-deps chromium clean

# Re-install only when the package metadata changed: keeps repeated runs fast.
$(VENV)/.stamp-lab: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "encord_nb needs Python 3.10 or newer"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[lab]'
	@touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-lab
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

lab-deps: $(VENV)/.stamp-lab
test-deps: $(VENV)/.stamp-test

# Browser tests drive Debian's chromium (Playwright's own browser download cannot run here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: lab-deps
	$(PY) -m encord_nb.demo build
	@echo "Starting JupyterLab on notebooks/ - open the http://127.0.0.1:$(PORT)/lab?token=... URL printed below."
	$(VENV)/bin/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) --notebook-dir=notebooks \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root)  # containers and Binder-like hosts often run as root

test: test-deps chromium
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

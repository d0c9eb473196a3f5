# Every command here creates .venv when it is missing and installs into it exactly the versions the
# lock file pins (requirements-test.txt, with their hashes); when the lock or pyproject.toml changes,
# the next command reinstalls. `make lock` updates the lock (README: "Dependencies").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The lock of everything the tests and tools need, and the lock of what the site build needs (CI's
# workflow installs that one); both hold the same version of each package they share.
LOCK := requirements-test.txt
RUNTIME_LOCK := requirements.txt
PIP := $(BIN)/python -m pip --disable-pip-version-check
# `make serve PORT=8001` previews on another port.
PORT ?= 8000
# Builds are reproducible: every date MkDocs writes comes from the last commit, not the clock.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
# Material prints an end-of-life banner on every build; it is known (see README) and only noise here.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint validate check status serve lock bench clean

# Installs the pinned versions (hash-checked), removes what the lock no longer names, then the
# project itself (no build isolation: setuptools comes from the lock too). `pip check` fails when
# pyproject.toml asks for a package the lock does not pin yet.
$(INSTALLED): $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip-sync --quiet $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PIP) check || { echo "pyproject.toml asks for a package $(LOCK) does not pin: run 'make lock'" >&2; exit 1; }
	touch $@

# Fails exactly when `mkdocs build --strict` fails, with its warnings in plain words; builds next to
# site/ and swaps it in only when the build succeeded, so a failed build leaves site/ as it was.
site: $(INSTALLED)
	tools/system-packages site
	$(BIN)/python tools/make_site.py build

test: $(INSTALLED)
	tools/system-packages test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

validate: $(INSTALLED)
	$(BIN)/privacy-statement validate

check: $(INSTALLED)
	$(BIN)/privacy-statement check

# Rewrites README.md's status section from `privacy-statement check` on today's model.
status: $(INSTALLED)
	$(BIN)/python tools/status.py

serve: $(INSTALLED)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

# Benchmarks against peer tools, one table (minutes; not part of `make test`).
bench: $(INSTALLED)
	$(BIN)/python bench/run.py

# Pins what pyproject.toml asks for, keeping today's pins where they still fit; `make lock
# UPGRADE=NAME` (or several names) moves those packages to their newest releases, `make lock
# UPGRADE=all` every package. It resolves from the package index alone, with the hashes of the
# published files: this machine's pip settings (extra local folders and indexes) are left out.
UPGRADE ?=
LOCK_ENV := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock"
COMPILE := $(LOCK_ENV) $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--all-build-deps --no-emit-index-url --no-emit-find-links
lock:
	test -x $(BIN)/pip-compile || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
		$(PIP) install --quiet --require-hashes --no-deps -r $(LOCK); }
	$(COMPILE) $(if $(filter all,$(UPGRADE)),--upgrade,$(addprefix --upgrade-package ,$(UPGRADE))) \
		--extra test --extra bench --extra lock --output-file $(LOCK) pyproject.toml
	$(COMPILE) --upgrade --constraint $(LOCK) --output-file $(RUNTIME_LOCK) pyproject.toml

clean:
	rm -rf site site.tmp site.old .pytest_cache .ruff_cache .hypothesis

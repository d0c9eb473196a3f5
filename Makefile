# The two Quick-start commands. Both create .venv when it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Builds are reproducible: every date MkDocs writes comes from the last commit, not the clock.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
# Material prints an end-of-life banner on every build; it is known (see README) and only noise here.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint validate check serve clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# The site is built next to site/ and swapped in only when the build succeeded,
# so a failed build leaves the previously published site/ as it was.
site: $(INSTALLED)
	rm -rf site.tmp
	$(BIN)/mkdocs build --strict --quiet --site-dir site.tmp
	rm -rf site.old
	if [ -d site ]; then mv site site.old; fi
	mv site.tmp site
	rm -rf site.old

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

validate: $(INSTALLED)
	$(BIN)/privacy-statement validate

check: $(INSTALLED)
	$(BIN)/privacy-statement check

serve: $(INSTALLED)
	$(BIN)/mkdocs serve

clean:
	rm -rf site site.tmp site.old .pytest_cache .ruff_cache .hypothesis

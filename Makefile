# rakor-briefs: `make release` builds the sample meeting, `make test` runs the tests.
# Both create .venv and install everything first, Debian packages included when absent.

VENV    := .venv
PY      := $(VENV)/bin/python
PARAMS  ?= params/rakor-2026-11.yml
# Fonts for the PDFs, and HarfBuzz's subsetter: without it WeasyPrint subsets fonts with
# fontTools, whose PDFs differ from one render of the same page to the next (the build
# refuses to run without it). Poppler and chromium only for the tests (PDFs read back, browser).
RELEASE_DEBS := fonts-open-sans fonts-dejavu-core libharfbuzz-subset0
# openssh-client: ssh-keygen, which signs and checks releases (`build.py sign`, `verify --signers`).
# tesseract-ocr: reads a phone card's own pixels back (tests/test_cards.py).
TEST_DEBS    := $(RELEASE_DEBS) poppler-utils chromium openssh-client tesseract-ocr

.PHONY: release test check bench audit lab clean venv hooks debs-release debs-test

release: venv debs-release
	$(PY) build.py $(PARAMS)

check: venv
	$(PY) build.py check $(PARAMS)

# Lint (ruff) and the one-way flow of the pipeline (import-linter, pyproject.toml) first.
test: venv debs-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -n auto --dist worksteal

# JupyterLab on the project's notebooks, in the project's environment: the notebooks run
# on the sample meeting's defaults and show their charts and tables as the brief will.
LAB_ARGS := --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root)
lab: venv debs-release
	$(VENV)/bin/jupyter lab $(LAB_ARGS) notebooks/brief_kecamatan.ipynb

bench: venv debs-release
	$(PY) benchmarks/run.py
	$(PY) benchmarks/intake.py --damaged

# Needs the internet (PyPI's vulnerability database): not part of `make test`.
audit: venv
	$(VENV)/bin/pip install -q pip-audit && $(VENV)/bin/pip-audit -r requirements.txt

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-lab.txt requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt -c requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	@$(MAKE) --no-print-directory hooks
	touch $@

# Notebooks are committed without outputs: git runs them through nbstripout when they are
# staged (.gitattributes names the filter; this tells this clone's git what it is).
# --keep-id: cells keep the ids analysts and tests name them by ("kartu-hp", "agen-bpu");
# without it nbstripout renumbers every id to "0", "1", ... in the committed file.
hooks:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean "'$(abspath $(PY))' -m nbstripout --keep-id"; \
	  git config filter.nbstripout.smudge cat; \
	  git config filter.nbstripout.required true; \
	  git config diff.ipynb.textconv "'$(abspath $(PY))' -m nbstripout --keep-id -t"; \
	fi

debs-release:
	@sh .ci/debs.sh $(RELEASE_DEBS)

debs-test:
	@sh .ci/debs.sh $(TEST_DEBS)

clean:
	rm -rf .build outputs/*/ outputs/.staging-* outputs/.lama-*

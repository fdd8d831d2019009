# SafetyMonth — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Address of the development server (`make run RUN_ADDR=127.0.0.1:8080` to change it).
RUN_ADDR ?= 127.0.0.1:8000
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test packages lint unit browser bench install messages check-messages audit clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(RUN_ADDR)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy safetymonth/lib $$(find safetymonth -name 'services*.py')
	$(PY) scripts/check_messages.py

unit: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

# Debian packages the tests need (chromium, CJK font, gettext, LibreOffice, poppler, ...): installed
# when root, otherwise the exact apt-get line and a stop. `make run` does not need them.
packages:
	@bash scripts/system-packages.sh

# The package check comes first, before .venv, lint or any test.
test: packages
	@$(MAKE) --no-print-directory lint
	$(PY) -m pytest --durations=25 $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py

check-messages: install
	$(PY) scripts/check_messages.py

# Known vulnerabilities in requirements.lock (pip-audit through uvx); exit 3 = SKIPPED, not a pass.
audit:
	$(PYTHON) scripts/audit_dependencies.py requirements.lock

messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --add-location file
	$(PY) manage.py compilemessages -l en

clean:
	rm -rf $(VENV) var db.sqlite3*

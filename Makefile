# Mentorkorps: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
CATALOGUES := translations $(wildcard plugins/*/translations) $(wildcard municipalities/*/translations)

.PHONY: install assets i18n i18n-extract migrate demo run test test-sqlite test-postgres clean

install: $(VENV)/.installed assets i18n

$(VENV)/.installed: setup.cfg pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Compiled catalogues are build output: every .po of the core and of each plugin domain.
i18n: $(VENV)/.installed
	@for dir in $(CATALOGUES); do \
	  for po in $$dir/*/LC_MESSAGES/*.po; do \
	    [ -f "$$po" ] || continue; \
	    $(BIN)/pybabel compile --use-fuzzy -f -i "$$po" -o "$${po%.po}.mo" >/dev/null || exit 1; \
	  done; \
	done

# Re-extract the core catalogue and merge it into da/en (developers' helper).
i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -o translations/messages.pot core
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

migrate: install
	$(BIN)/mentorkorps db upgrade

demo: migrate
	$(BIN)/mentorkorps demo

run: demo
	$(BIN)/mentorkorps info
	$(BIN)/flask --app core run --host 127.0.0.1 --port $(PORT)

test: install $(VENV)/.installed-test
	bash scripts/test.sh

clean:
	rm -rf $(VENV) node_modules instance .pg

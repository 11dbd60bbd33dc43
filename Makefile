# Mentorkorps: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
CATALOGUES := translations $(wildcard plugins/*/translations) $(wildcard municipalities/*/translations)

.PHONY: install assets i18n i18n-extract migrate demo run test test-sqlite test-postgres clean
.PHONY: serve bench instance-key

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
	    $(BIN)/pybabel -q compile --use-fuzzy -i "$$po" -o "$${po%.po}.mo" || exit 1; \
	  done; \
	done

# Translation domains, each extracted from its own sources into its own template and catalogues:
# the core (domain `messages`, sources core/, catalogues translations/) and every plugin or
# municipality package (domain = the package's name, catalogues in its translations/ folder).
# Spelled <sources>:<catalogue folder>:<domain>.
LOCALES := da en
PLUGIN_PACKAGES := $(patsubst %/__init__.py,%,$(wildcard plugins/*/__init__.py municipalities/*/__init__.py))
DOMAINS := core:translations:messages $(foreach p,$(PLUGIN_PACKAGES),$(p):$(p)/translations:$(notdir $(p)))
# `_l` is flask_babel's lazy_gettext in the core and the package's own domain.lazy_gettext in a plugin.
EXTRACT_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2

# Re-extract every domain into its .pot and merge it into the da/en catalogues (missing ones are
# created). New English entries get msgstr = msgid; new Danish ones are left for the translator.
i18n-extract: $(VENV)/.installed
	@set -e; for spec in $(DOMAINS); do \
	  src=$${spec%%:*}; rest=$${spec#*:}; dir=$${rest%%:*}; domain=$${rest#*:}; \
	  echo "extracting $$src -> $$dir/$$domain.pot"; mkdir -p "$$dir"; \
	  $(BIN)/pybabel -q extract -F translations/babel.cfg $(EXTRACT_KEYWORDS) --add-location=file \
	    --project=Mentorkorps --version=0.1.0 --copyright-holder='the Mentorkorps contributors' -c TRANSLATORS: -o "$$dir/$$domain.pot" "$$src"; \
	  for lang in $(LOCALES); do \
	    $(BIN)/pybabel -q update -D "$$domain" -i "$$dir/$$domain.pot" -d "$$dir" -l $$lang \
	      --init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date; \
	  done; \
	done
	$(BIN)/python scripts/i18n_english.py translations $(addsuffix /translations,$(PLUGIN_PACKAGES))

migrate: install instance-key
	$(BIN)/mentorkorps db upgrade

demo: migrate
	$(BIN)/mentorkorps demo

# The development server: plain HTTP on 127.0.0.1, so cookies without the Secure flag.
run: demo
	$(BIN)/mentorkorps info
	MENTORKORPS_ENV=development $(BIN)/flask --app core run --host 127.0.0.1 --port $(PORT)

# The instance's secret key (instance/secret_key), made once; create_app reads it (README).
instance-key: instance/secret_key

instance/secret_key:
	$(PYTHON) scripts/instance_key.py $@

# The production server: gunicorn with gunicorn.conf.py (sync workers; WEB_CONCURRENCY, default 2),
# on the instance's SQLite database or DATABASE_URL, with the instance's secret key or SECRET_KEY.
serve: instance-key demo
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

# The benchmark (CONTRACT.md section 6): the app and its floors under wrk, into bench/results.json;
# then matching (bench/matching.py: one referral, the 1,000 x 5,000 batch), the reports (bench/reports.py:
# every report on 200,000 meetings) and the import (bench/transfer.py: 20,000 meetings), merged into the
# same file. The last three need no wrk and run alone too: python -m bench.reports, and so on.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && { apt-get install -y -q wrk || \
	  { apt-get update -q && apt-get install -y -q wrk; }; } >/dev/null; } || \
	  { echo "make bench needs wrk (Debian: apt-get install wrk)" >&2; exit 1; }
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.matching
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.transfer

test: install $(VENV)/.installed-test
	bash scripts/test.sh

clean:
	rm -rf $(VENV) node_modules instance .pg

# Courtyard — `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run serve cluster test lint install install-dev vendor translations babel-extract bench clean

run: install vendor translations
	$(FLASK) init-db
	$(FLASK) seed-demo
	$(BIN)/python wsgi.py

serve: install vendor translations
	$(BIN)/python wsgi.py

# N workers behind nginx on the local Redis (deploy/cluster.py; docs/deployment.md, "Several processes").
# `make cluster CLUSTER_ARGS="--workers 3 --port 8081"`; DATABASE_URL=postgresql://… recommended.
cluster: install vendor translations
	$(BIN)/python deploy/cluster.py $(CLUSTER_ARGS)

# pytest-xdist: one worker per core, each with databases of its own (tests/conftest.py);
# the modules that start real servers stay whole on one worker (--dist loadgroup).
# `make test PYTEST_XDIST=` runs in one process; `make test PYTEST_ARGS="tests/web -x"` narrows.
PYTEST_XDIST ?= -n 2 --dist loadgroup

test: install-dev vendor translations lint
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The layering of courtyard/ (.importlinter, docs/architecture.md).
lint: install-dev
	$(BIN)/lint-imports --no-logo

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Front-end libraries come from the npm registry at the versions in package-lock.json
# and are copied into static/vendor/ (ignored by git); nothing is fetched at run time.
static/vendor/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js node_modules/socket.io-client/dist/socket.io.min.js.map static/vendor/
	@touch $@

vendor: static/vendor/.stamp

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d courtyard/translations -f

babel-extract: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -o courtyard/translations/messages.pot .
	$(BIN)/pybabel update -i courtyard/translations/messages.pot -d courtyard/translations

bench: install-dev
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) node_modules static/vendor instance/courtyard.sqlite3*

# Everyday commands. `make run` and `make test` work on a fresh clone with only Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= baolife.settings.local

.PHONY: run test install lint format typecheck bench worker beat migrate content clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@command -v pkg-config >/dev/null && pkg-config --exists mysqlclient 2>/dev/null || ./scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0

content: migrate
	$(BIN)/python manage.py load_content

run: content
	@$(BIN)/python manage.py banner --host $(HOST) --port $(PORT)
	$(BIN)/uvicorn baolife.asgi:application --host $(HOST) --port $(PORT) --loop uvloop --http httptools \
		--ws websockets-sansio --ws-per-message-deflate false --ws-max-size 1048576 --lifespan on --no-access-log \
		--no-proxy-headers

test: install
	DJANGO_SETTINGS_MODULE=baolife.settings.test $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy core accounts/services accounts/selectors.py game/services game/selectors.py game/engine \
		monetization/services monetization/selectors.py retention/services retention/selectors.py retention/rules.py \
		retention/tally.py dating/life dating/services analytics/services analytics/stats.py analytics/assignment.py \
		analytics/catalogue.py analytics/definitions.py compliance/services

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/ws_rtt.py

worker: install
	$(BIN)/celery -A baolife worker --loglevel INFO

beat: install
	$(BIN)/celery -A baolife beat --loglevel INFO

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles

# BaoLife production image: the ASGI server by default; Celery worker and beat from the same image.
#
#   docker build -t baolife .
#   docker run --env-file prod.env -p 8000:8000 baolife                      # web (uvicorn)
#   docker run --env-file prod.env baolife celery -A baolife worker -l INFO  # worker
#   docker run --env-file prod.env baolife celery -A baolife beat -l INFO    # beat (exactly one)
#   docker run --env-file prod.env baolife python manage.py migrate          # before a release
#
# See docs/deploy.md.

# --- build: compile mysqlclient against the MariaDB client headers --------------------------------
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential default-libmysqlclient-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

# --- runtime: no compilers, no headers, not root -----------------------------------------------
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 baolife \
    && useradd --system --uid 10001 --gid baolife --home-dir /app --shell /usr/sbin/nologin baolife

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=baolife.settings.production \
    WEB_CONCURRENCY=1

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . /app

# Static files are collected at build time. The production settings insist on every secret, so the
# build hands them throwaway values: nothing connects anywhere and none of them reaches the image.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DATABASE_URL="mysql://build@127.0.0.1:3306/build" \
    REDIS_URL="redis://127.0.0.1:6379/0" \
    ALLOWED_HOSTS="localhost" \
    SENTRY_DSN="https://public@127.0.0.1/1" \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /app \
    && chown -R baolife:baolife /app/staticfiles

USER baolife
EXPOSE 8000

# WEB_CONCURRENCY = uvicorn processes in this container. Client addresses behind the proxy are read by
# the application itself (TRUSTED_PROXIES, core/clientaddr.py), so uvicorn leaves the headers alone.
CMD ["uvicorn", "baolife.asgi:application", \
     "--host", "0.0.0.0", "--port", "8000", \
     "--loop", "uvloop", "--http", "httptools", \
     "--ws", "websockets", "--ws-per-message-deflate", "false", "--ws-max-size", "1048576", \
     "--no-proxy-headers", "--lifespan", "on", "--no-access-log"]

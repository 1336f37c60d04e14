"""Production: every secret and connection must come from the environment, or start-up stops.

Behind a TLS-terminating proxy that sets `X-Forwarded-Proto` (see docs/deploy.md).
`python manage.py check --deploy --fail-level WARNING` passes with these settings.
"""

import os

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SENTRY_DSN")
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + " (see README.md, 'Environment variables')."
    )

from baolife.settings.base import *  # noqa: E402, F403
from baolife.settings.base import CACHES, DATABASES, LOG_LEVEL, MIDDLEWARE, env  # noqa: E402
from baolife.settings.integrations import logging_config  # noqa: E402

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
TOMBSTONE_KEY = env("TOMBSTONE_KEY", default="") or SECRET_KEY  # base.py read the development key
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
LOGGING = logging_config(json_logs=env.bool("LOG_JSON", default=True), level=LOG_LEVEL)

# --- Connections fail fast, so a dead dependency shows in /health/ready instead of hanging it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
if CACHES["default"]["BACKEND"] == "core.cache.SharedPoolRedisCache":
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 2, "socket_timeout": 2})

# Celery beat keeps its schedule state in a file; the code directory is read-only to the app user.
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default="/tmp/celerybeat-schedule")  # noqa: S108

# Probes answer whatever Host header the load balancer sends (core/views.py).
MIDDLEWARE = ["core.views.probe_middleware", *MIDDLEWARE]

# --- HTTPS behind the proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # probes speak plain HTTP to the process (see probe_middleware too)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

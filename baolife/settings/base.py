"""Settings shared by every deployment. One `environ.Env`; every connection from the environment."""

import os
import tempfile
import warnings
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "core",
    "accounts",
    "game",
    "monetization",
    "retention",
    "dating",
    "compliance",
    "analytics",
]

MIDDLEWARE = [
    "core.httpmetrics.http_metrics_middleware",  # first: times the whole stack (docs/operations.md)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # the admin's static files, without a separate server
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns an admin login locked out by axes into its page
]

# The admin's login goes through authenticate(): django-axes counts its failures first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "baolife.urls"
ASGI_APPLICATION = "baolife.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite file by default, MySQL/MariaDB (utf8mb4, strict) from DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES', innodb_lock_wait_timeout=20",
            "isolation_level": "read committed",
        }
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the server's threads share the file without "database is locked";
    # IMMEDIATE transactions take the write lock when they begin, so one that reads and then writes
    # never has to upgrade its lock (an upgrade that collides fails at once: "database is locked").
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections between calls (a new one per socket message cost ~10-20 % of a purchase), checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer and Celery broker when REDIS_URL is set; in-process otherwise.
REDIS_URL = env("REDIS_URL", default="")
# Namespaces every Redis key (cache, channel layer, rate limits), so deployments can share a server.
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", default="baolife")
from baolife.settings.integrations import cache_settings, celery_settings, channel_layers  # noqa: E402

CACHES = cache_settings(REDIS_URL, REDIS_KEY_PREFIX)
# pubsub | core (channels-redis): pub/sub hands a tick's pushes to 5,000 players over in one pipeline; the core
# layer's capacity is per server process (docs/performance.md, "Pushes at scale").
CHANNEL_LAYER = env("CHANNEL_LAYER", default="pubsub")
CHANNEL_LAYERS = channel_layers(REDIS_URL, REDIS_KEY_PREFIX, CHANNEL_LAYER)
globals().update(celery_settings(REDIS_URL))
# The periodic jobs run in the server process unless Celery beat runs them.
RUN_JOBS_IN_PROCESS = env.bool("RUN_JOBS_IN_PROCESS", default=not REDIS_URL)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Without `collectstatic` (development, tests, benches) WhiteNoise serves from the apps' own folders.
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise, before collectstatic

# --- Accounts
AUTH_TOKEN_TTL_DAYS = env.int("AUTH_TOKEN_TTL_DAYS", default=30)
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", default=20)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)
SIGNUPS_PER_IP_PER_HOUR = env.int("SIGNUPS_PER_IP_PER_HOUR", default=30)
AUTH_MAX_TOKENS_PER_PLAYER = env.int("AUTH_MAX_TOKENS_PER_PLAYER", default=20)
# Addresses (or CIDR ranges) of our own proxies: only they may say who the client is (X-Forwarded-For).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)

# --- Operators' admin login (django-axes): locked per (username, client address) after this many
# failures, for ADMIN_LOGIN_COOLOFF_MINUTES; `manage.py axes_reset_username NAME` lifts it early.
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = env.float("ADMIN_LOGIN_COOLOFF_MINUTES", default=15.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clientaddr.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Counts in the cache (Redis in production): no table rows per sign-in, no row-lock deadlocks under a
# burst. The burst itself is stopped before axes, counted atomically (accounts/admin_login.py).
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_DISABLE_ACCESS_LOG = True
# axes.W001 warns that a local-memory cache is not shared between processes; the embedded default
# is one process, so its cache is the whole truth there. With REDIS_URL the check stays on.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["axes.W001"]

# --- Content-Security-Policy on every response (django-csp): the admin's pages load only our
# own scripts; inline styles are allowed (Django's admin widgets set some).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Live protocol (docs/protocol.md)
WS_AUTH_TIMEOUT_SECONDS = env.float("WS_AUTH_TIMEOUT_SECONDS", default=10.0)
WS_MAX_FRAME_BYTES = 64 * 1024
WS_ALLOWED_ORIGINS = env.list("WS_ALLOWED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"])
WS_ALLOW_MISSING_ORIGIN = env.bool("WS_ALLOW_MISSING_ORIGIN", default=True)
WS_RATE_SOCKET_BURST = env.float("WS_RATE_SOCKET_BURST", default=60)
WS_RATE_SOCKET_PER_SECOND = env.float("WS_RATE_SOCKET_PER_SECOND", default=20)
WS_RATE_PLAYER_BURST = env.float("WS_RATE_PLAYER_BURST", default=120)
WS_RATE_PLAYER_PER_SECOND = env.float("WS_RATE_PLAYER_PER_SECOND", default=40)
WS_MAX_SOCKETS_PER_PLAYER = env.int("WS_MAX_SOCKETS_PER_PLAYER", default=10)
WS_MAX_UNAUTHENTICATED_PER_IP = env.int("WS_MAX_UNAUTHENTICATED_PER_IP", default=20)
# How often each process re-checks its sockets' sign-ins and re-joins groups Redis lost (seconds).
WS_HEARTBEAT_SECONDS = env.float("WS_HEARTBEAT_SECONDS", default=30.0)
WS_PUSH_BATCH_SIZE = 10
WS_PUSH_BATCH_DELAY_SECONDS = 0.1
# A client that stops reading: dropped once this many pushes wait for it, or a send has waited this long
# (docs/protocol.md, "Close codes"; docs/performance.md, "Pushes at scale").
WS_OUTBOX_LIMIT = env.int("WS_OUTBOX_LIMIT", default=1000)
WS_SEND_STALL_SECONDS = env.float("WS_SEND_STALL_SECONDS", default=30.0)

# --- Health: /health/ready's answer is shared for this long; "status" hides the figures from the public.
HEALTH_CACHE_SECONDS = env.float("HEALTH_CACHE_SECONDS", default=2.0)
HEALTH_DETAIL = env.str("HEALTH_DETAIL", default="full")

# --- Sentry and logging
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="development")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
LOG_JSON = env.bool("LOG_JSON", default=False)
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
from baolife.settings.integrations import logging_config  # noqa: E402

LOGGING = logging_config(json_logs=LOG_JSON, level=LOG_LEVEL)

from baolife.sentry import init_sentry  # noqa: E402

init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=SENTRY_RELEASE)

# --- The life simulation (docs/game.md)
# Game seconds per real second: 360 means one game year (360 game days) per real day.
GAME_SECONDS_PER_REAL_SECOND = env.float("GAME_SECONDS_PER_REAL_SECOND", default=360.0)
GAME_TICK_SECONDS = env.float("GAME_TICK_SECONDS", default=10.0)
# Threads one tick spreads its chunks of lives over, on MySQL/MariaDB (SQLite: always one).
GAME_TICK_THREADS = env.int("GAME_TICK_THREADS", default=2)
GAME_OFFLINE_LIFE_DAYS = env.int("GAME_OFFLINE_LIFE_DAYS", default=7)
GAME_OFFLINE_QUEUE_MAX = env.int("GAME_OFFLINE_QUEUE_MAX", default=1000)
GAME_OFFLINE_QUEUE_DAYS = env.int("GAME_OFFLINE_QUEUE_DAYS", default=7)
# Worker processes per server process for long engine runs (time skips): off the sockets' GIL
# (game/services/engine_pool.py). 0 runs them on the server's own threads.
GAME_ENGINE_PROCESSES = env.int("GAME_ENGINE_PROCESSES", default=2)
# Server threads that run time skips' database work (game/handlers.py): each competes with the sockets'
# event loop for the GIL, so few; the engine's years run in the processes above.
GAME_SKIP_THREADS = env.int("GAME_SKIP_THREADS", default=1)
# How long a server thread may hold the GIL while another waits (core/scheduler.py; Python's is 5 ms).
SERVER_SWITCH_INTERVAL_SECONDS = env.float("SERVER_SWITCH_INTERVAL_SECONDS", default=0.001)

# Retention's checks on every saved advance of a life (achievements, statistics, album, quests;
# docs/retention.md). Off only to measure their cost (bench/retention.py) or in an emergency.
RETENTION_CHECKS = env.bool("RETENTION_CHECKS", default=True)

# --- Stores (docs/economy.md). The stores this server sells diamonds through (each needs its settings).
STORES = env.list("STORES", default=["apple", "google"])
STORE_VERIFICATIONS_PER_MINUTE = env.int("STORE_VERIFICATIONS_PER_MINUTE", default=10)
# Apple: StoreKit 2 JWS verified against these root certificates.
APPLE_ROOT_CERTIFICATES = env.list("APPLE_ROOT_CERTIFICATES", default=[])
APPLE_BUNDLE_ID = env("APPLE_BUNDLE_ID", default="")
APPLE_APP_ID = env.int("APPLE_APP_ID", default=None)
APPLE_ENVIRONMENT = env("APPLE_ENVIRONMENT", default="production")
APPLE_ALLOW_SANDBOX = env.bool("APPLE_ALLOW_SANDBOX", default=False)
GOOGLE_PLAY_PACKAGE_NAME = env("GOOGLE_PLAY_PACKAGE_NAME", default="")
GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = env("GOOGLE_PLAY_SERVICE_ACCOUNT_FILE", default="")
GOOGLE_PLAY_API_BASE_URL = env("GOOGLE_PLAY_API_BASE_URL", default="")
GOOGLE_PLAY_TOKEN_URI = env("GOOGLE_PLAY_TOKEN_URI", default="")

# --- Analytics (docs/analytics.md): events buffered per process, written in batches off the sockets' path.
ANALYTICS_ENABLED = env.bool("ANALYTICS_ENABLED", default=True)
ANALYTICS_FLUSH_SECONDS = env.float("ANALYTICS_FLUSH_SECONDS", default=2.0)  # a crash loses at most this
ANALYTICS_FLUSH_EVENTS = env.int("ANALYTICS_FLUSH_EVENTS", default=100)
ANALYTICS_BUFFER_MAX = env.int("ANALYTICS_BUFFER_MAX", default=50_000)  # database down: oldest dropped beyond
ANALYTICS_RETENTION_DAYS = env.int("ANALYTICS_RETENTION_DAYS", default=90)  # raw events; daily roll-ups kept
ANALYTICS_SESSION_TIMEOUT_MINUTES = env.int("ANALYTICS_SESSION_TIMEOUT_MINUTES", default=30)

# --- Operations (docs/operations.md): the performance monitor and /metrics.
PERF_SLOW_SECONDS = env.float("PERF_SLOW_SECONDS", default=1.0)  # slower operations are logged with context
# Writable by the server's user wherever it runs (the Docker image's /app is not); share it between the web
# and worker containers (a volume) for `perf_report` to see every process (docs/operations.md).
PERF_REPORT_DIR = env(
    "PERF_REPORT_DIR", default=os.path.join(tempfile.gettempdir(), f"baolife-perf-{REDIS_KEY_PREFIX}")
)
# Prometheus: only these addresses (or CIDR ranges), or a request with `Authorization: Bearer METRICS_TOKEN`.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Several server processes: each writes its metrics here and a scrape adds them up (prometheus-client's
# multiprocess mode). Empty: a directory of this machine's temp dir, per deployment (core/metrics.py).
PROMETHEUS_MULTIPROC_DIR = env("PROMETHEUS_MULTIPROC_DIR", default="")

# --- Privacy and the legal pages (docs/privacy.md). The pages quote these: change one, the policy follows.
COMPANY_NAME = env("COMPANY_NAME", default="BaoLife Games Ltd.")
COMPANY_ADDRESS = env("COMPANY_ADDRESS", default="12 Harbour Street, Dublin D02, Ireland")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@baolife.example")
PRIVACY_EMAIL = env("PRIVACY_EMAIL", default="privacy@baolife.example")
LEGAL_LAST_UPDATED = env("LEGAL_LAST_UPDATED", default="2026-11-30")  # ISO date shown on the legal pages
DELETION_GRACE_DAYS = env.int("DELETION_GRACE_DAYS", default=30)  # a deletion request can be cancelled this long
DELETION_BATCH_ROWS = env.int("DELETION_BATCH_ROWS", default=500)  # rows per transaction of a hard deletion
EXPORT_LINK_HOURS = env.int("EXPORT_LINK_HOURS", default=48)  # a prepared export's download link lives this long
EXPORT_EVERY_SECONDS = env.int("EXPORT_EVERY_SECONDS", default=3600)  # at most one export per player per this
# De-linked purchase and ledger rows are kept this long for the accounts and tax law, then deleted.
FINANCIAL_RECORDS_RETENTION_YEARS = env.int("FINANCIAL_RECORDS_RETENTION_YEARS", default=10)
# Keys the hashed tombstones of erased accounts (re-erased after a backup is restored): keep it stable.
TOMBSTONE_KEY = env("TOMBSTONE_KEY", default="") or SECRET_KEY

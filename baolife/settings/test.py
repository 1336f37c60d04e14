"""The test suite: the embedded default, or MariaDB + Redis when DATABASE_URL / REDIS_URL are set."""

import os
import tempfile

os.environ["SENTRY_DSN"] = ""  # before base initialises Sentry: a developer's shell must not make tests report

from baolife.settings.base import *  # noqa: F403
from baolife.settings.base import CHANNEL_LAYER, DATABASES, REDIS_URL, env
from baolife.settings.integrations import cache_settings, channel_layers

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; real hashers in production
RUN_JOBS_IN_PROCESS = False
# No flush thread: a test writes the buffer itself (analytics.services.buffer.flush), so no write of
# another thread lands in the next test's tables. Server processes started by a test set it.
ANALYTICS_FLUSH_SECONDS = env.float("ANALYTICS_FLUSH_SECONDS", default=0.0)
# The performance monitor's per-process snapshots: a run's own directory, not the repository's var/.
PERF_REPORT_DIR = env("PERF_REPORT_DIR", default=os.path.join(tempfile.gettempdir(), f"baolife-perf-test{os.getpid()}"))
WS_AUTH_TIMEOUT_SECONDS = env.float("WS_AUTH_TIMEOUT_SECONDS", default=10.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a real server process started by a test shares the test database.
    _default_name = os.path.join(tempfile.gettempdir(), f"baolife-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", default=_default_name)}
else:
    # Concurrent test runs on one MariaDB must not share (and drop) each other's database.
    DATABASES["default"]["TEST"]["NAME"] = env("TEST_DB_NAME", default=f"test_baolife_{os.getpid()}")

# ... nor each other's Redis keys; a server process started by a test inherits the prefix.
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", default=f"test{os.getpid()}")
CACHES = cache_settings(REDIS_URL, REDIS_KEY_PREFIX)
CHANNEL_LAYERS = channel_layers(REDIS_URL, REDIS_KEY_PREFIX, CHANNEL_LAYER)

"""The test suite: the embedded default, or MariaDB + Redis when DATABASE_URL / REDIS_URL are set."""

from baolife.settings.base import *  # noqa: F403
from baolife.settings.base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; real hashers in production
RUN_JOBS_IN_PROCESS = False
WS_AUTH_TIMEOUT_SECONDS = env.float("WS_AUTH_TIMEOUT_SECONDS", default=10.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", default="") or None}

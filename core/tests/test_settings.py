"""Production settings: secrets from the environment or no start-up; MySQL in utf8mb4 and strict mode.

Settings are module-level code, so each case runs in a fresh interpreter.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SENTRY_DSN")
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DATABASE_URL": "mysql://baolife:pw@db.internal:3306/baolife",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "play.baolife.example",
    "SENTRY_DSN": "https://public@127.0.0.1/1",  # nothing is sent: no error happens, and no server exists
    "STORES": "",  # a server that sells through no store; a store offered without its settings is reported
    "TRUSTED_PROXIES": "10.0.0.0/8",
}
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({'db': s.DATABASES['default'], 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS,"
    " 'cache': s.CACHES['default'], 'layer': s.CHANNEL_LAYERS['default']['BACKEND']}, default=str))"
)


def _run(code: str | list[str], **env: str) -> subprocess.CompletedProcess:
    drop = (*REQUIRED, "CHANNEL_LAYER")
    clean = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("DJANGO_", "SENTRY_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "baolife.settings.production", **env})
    command = [sys.executable, "-c", code] if isinstance(code, str) else [sys.executable, *code]
    return subprocess.run(command, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_refuses_to_start_without_a_required_variable(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    done = _run("import django; django.setup()", **env)
    assert done.returncode != 0
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"environment variables: {missing} " in last_line
    assert not any(f" {other}" in last_line for other in REQUIRED if other != missing)


def test_production_names_every_missing_variable() -> None:
    done = _run("import django; django.setup()")
    assert done.returncode != 0
    assert "environment variables: SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS, SENTRY_DSN " in done.stderr


def test_empty_variable_counts_as_missing() -> None:
    done = _run("import django; django.setup()", **{**PRODUCTION_ENV, "SECRET_KEY": "  "})
    assert done.returncode != 0
    assert "environment variables: SECRET_KEY " in done.stderr


def test_short_secret_key_is_refused() -> None:
    done = _run("import django; django.setup()", **{**PRODUCTION_ENV, "SECRET_KEY": "short-but-set"})
    assert done.returncode != 0
    assert "SECRET_KEY must be a random string of at least 50 characters" in done.stderr


def test_production_with_mysql_uses_utf8mb4_strict_mode_and_redis() -> None:
    done = _run(PRINT_SETTINGS, **PRODUCTION_ENV)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    db = got["db"]
    assert db["ENGINE"] == "django.db.backends.mysql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("db.internal", 3306, "baolife", "baolife")
    assert db["OPTIONS"]["charset"] == "utf8mb4"
    assert "STRICT_TRANS_TABLES" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["isolation_level"] == "read committed"
    assert db["OPTIONS"]["connect_timeout"] == 5
    assert (db["TEST"]["CHARSET"], db["TEST"]["COLLATION"]) == ("utf8mb4", "utf8mb4_unicode_ci")
    assert got["debug"] is False
    assert got["hosts"] == ["play.baolife.example"]
    assert got["cache"]["BACKEND"] == "core.cache.SharedPoolRedisCache"  # one pool per process (core/cache.py)
    assert got["cache"]["OPTIONS"] == {"socket_connect_timeout": 2, "socket_timeout": 2}
    # the pub/sub layer by default: a tick's pushes to 5,000 players in one pipeline (docs/performance.md)
    assert got["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"


def test_the_core_channel_layer_can_be_chosen_with_its_limits_set() -> None:
    code = PRINT_SETTINGS.replace(
        "'layer': s.CHANNEL_LAYERS['default']['BACKEND']", "'layer': s.CHANNEL_LAYERS['default']"
    )
    done = _run(code, **PRODUCTION_ENV, CHANNEL_LAYER="core")
    assert done.returncode == 0, done.stderr
    layer = json.loads(done.stdout.strip().splitlines()[-1])["layer"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert {k: layer["CONFIG"][k] for k in ("capacity", "expiry", "group_expiry")} == {
        "capacity": 1500,
        "expiry": 30,
        "group_expiry": 86400,
    }


def test_production_passes_the_deployment_checklist_without_warnings() -> None:
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_deployment_checklist_reports_a_proxy_whose_address_is_not_trusted() -> None:
    env = {**PRODUCTION_ENV, "TRUSTED_PROXIES": ""}
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert done.returncode != 0 and "core.W001" in done.stdout + done.stderr


def test_deployment_checklist_reports_a_store_offered_without_its_settings() -> None:
    env = {**PRODUCTION_ENV, "STORES": "apple,google", "GOOGLE_PLAY_PACKAGE_NAME": "com.baolife.app"}
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert done.returncode != 0
    report = done.stdout + done.stderr
    assert "monetization.W001" in report
    assert "The App Store is offered (STORES) but not configured: APPLE_ROOT_CERTIFICATES, APPLE_BUNDLE_ID" in report
    assert "Google Play is offered (STORES) but not configured: GOOGLE_PLAY_SERVICE_ACCOUNT_FILE empty" in report


@pytest.mark.mysql
@pytest.mark.django_db
@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql",
    reason="needs DATABASE_URL on MariaDB/MySQL",
)
def test_live_mysql_connection_is_utf8mb4_and_strict() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@SESSION.sql_mode, @@character_set_connection")
        sql_mode, charset = cursor.fetchone()
        cursor.execute("SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation')")
        isolation = {value for _, value in cursor.fetchall()}
    assert "STRICT_TRANS_TABLES" in sql_mode.split(",")
    assert charset == "utf8mb4"
    assert isolation == {"READ-COMMITTED"}

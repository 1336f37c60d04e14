"""`/health/live` and `/health/ready` (PROTOCOL.md section 1), against the real dependencies."""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core import health

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {"database", "cache", "channel_layer", "memory", "disk", "websockets"}


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port that refuses connections: bound (so nobody else takes it) but not listening."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def no_resource_pressure(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine running the tests may be full; the dependency checks are what these tests are about."""
    monkeypatch.setattr(health, "_memory_percent", lambda: 42.0)
    monkeypatch.setattr(health.psutil, "disk_usage", lambda path: type("Usage", (), {"percent": 42.0})())


def test_live_answers_200() -> None:
    response = Client().get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_answers_200_with_every_check(no_resource_pressure: None) -> None:
    response = Client().get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for name in ("database", "cache", "channel_layer"):
        assert body["checks"][name]["status"] == "ok"
        assert isinstance(body["checks"][name]["latency_ms"], float | int)
        assert body["checks"][name]["latency_ms"] >= 0
    assert body["checks"]["memory"] == {"status": "ok", "percent": 42.0}
    assert body["checks"]["disk"] == {"status": "ok", "percent": 42.0}
    sockets = body["checks"]["websockets"]
    assert sockets["status"] == "ok" and sockets["this_process"] == 0  # no socket is open in this test
    if not settings.REDIS_URL:  # with Redis, server processes of earlier tests may still be counted (90 s)
        assert sockets == {"status": "ok", "open": 0, "processes": 1, "this_process": 0}


@pytest.mark.django_db
def test_ready_reports_real_memory_and_disk_figures() -> None:
    body = Client().get("/health/ready").json()
    for name in ("memory", "disk"):
        check = body["checks"][name]
        assert 0 < check["percent"] <= 100
        assert check["status"] == health._usage(check["percent"])


@pytest.mark.django_db
def test_ready_answers_503_when_the_cache_is_down(settings, closed_port: int, no_resource_pressure: None) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = Client().get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["cache"] == {"status": "down", "error": "ConnectionError"}
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_ready_answers_503_when_the_channel_layer_is_down(
    settings, closed_port: int, no_resource_pressure: None
) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{closed_port}/0"]},
        }
    }
    response = Client().get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["channel_layer"]["status"] == "down"
    assert "latency_ms" not in body["checks"]["channel_layer"]
    assert body["checks"]["cache"]["status"] == "ok"


def test_ready_answers_503_when_the_database_is_down(closed_port: int) -> None:
    """A real server process configuration whose database refuses connections."""
    script = (
        "import json, django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health/ready');"
        "print(json.dumps({'status_code': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baolife.settings.test",
        "DATABASE_URL": f"mysql://root@127.0.0.1:{closed_port}/test",
        "SENTRY_DSN": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status_code"] == 503
    assert answer["body"]["status"] == "down"
    assert answer["body"]["checks"]["database"] == {"status": "down", "error": "OperationalError"}
    assert str(closed_port) not in done.stdout  # no host or port leaks into the answer


@pytest.mark.parametrize(
    ("percent", "status"),
    [(0.0, "ok"), (79.9, "ok"), (80.0, "warning"), (89.9, "warning"), (90.0, "critical"), (100.0, "critical")],
)
def test_usage_thresholds(percent: float, status: str) -> None:
    assert health._usage(percent) == status


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["ok", "ok"], "ok"),
        (["ok", "warning"], "degraded"),
        (["warning", "critical"], "down"),
        (["ok", "down"], "down"),
    ],
)
def test_overall_status(statuses: list[str], expected: str) -> None:
    assert health.overall({str(i): {"status": s} for i, s in enumerate(statuses)}) == expected


@pytest.mark.django_db
def test_memory_warning_makes_ready_degraded_but_200(
    monkeypatch: pytest.MonkeyPatch, no_resource_pressure: None
) -> None:
    monkeypatch.setattr(health, "_memory_percent", lambda: 85.0)
    response = Client().get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["memory"] == {"status": "warning", "percent": 85.0}


@pytest.mark.django_db
def test_critical_disk_makes_ready_503(monkeypatch: pytest.MonkeyPatch, no_resource_pressure: None) -> None:
    monkeypatch.setattr(health.psutil, "disk_usage", lambda path: type("Usage", (), {"percent": 95.0})())
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == {"status": "critical", "percent": 95.0}


@pytest.mark.django_db
def test_probes_answer_any_host_in_production_but_other_paths_do_not(settings) -> None:
    """Production puts `probe_middleware` first: a balancer probing by IP over plain HTTP gets answers."""
    settings.MIDDLEWARE = ["core.views.probe_middleware", *settings.MIDDLEWARE]
    settings.ALLOWED_HOSTS = ["play.baolife.example"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client(HTTP_HOST="10.0.3.7:8000")
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code in (200, 503)
    assert client.get("/api/protocol.json").status_code == 400  # DisallowedHost for everything else
    assert Client(HTTP_HOST="play.baolife.example").get("/api/protocol.json").status_code == 301  # to https


@pytest.mark.django_db(transaction=True)
async def test_probes_answer_any_host_through_the_async_stack(settings) -> None:
    """Under ASGI the middleware chain is async: the probe answers on the event loop."""
    from django.test import AsyncClient

    settings.MIDDLEWARE = ["core.views.probe_middleware", *settings.MIDDLEWARE]
    settings.ALLOWED_HOSTS = ["play.baolife.example"]
    client = AsyncClient(headers={"host": "10.0.3.7:8000"})
    assert (await client.get("/health/live")).status_code == 200
    ready = await client.get("/health/ready")
    assert ready.status_code in (200, 503)
    assert set(ready.json()["checks"]) == CHECKS
    assert (await client.get("/api/protocol.json")).status_code == 400

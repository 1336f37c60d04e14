"""HTTP edges that answered 500 (issue 7, 4.3 and 5): deep nesting, huge bodies, lone surrogates,
the health probe under load, and the Content-Security-Policy on HTML pages."""

import asyncio
import json

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Player
from core import health
from core.clientaddr import client_address
from core.testing import asgi_http

pytestmark = pytest.mark.django_db


def test_a_body_nested_100000_deep_is_bad_request(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/auth/device", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("size", [3 * 1024 * 1024, 300 * 1024])
def test_a_body_too_large_is_413(client, size):
    body = json.dumps({"device_id": "x" * size})
    response = client.post("/api/auth/device", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "bad_request"
    assert not Player.objects.exists()


def test_a_lone_surrogate_in_a_body_is_bad_request_and_creates_nothing(client):
    response = client.post("/api/auth/device", data='{"device_id": "abc\\ud800defgh"}', content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["fields"] == ["device_id"]
    assert not Player.objects.exists()


def test_a_body_that_is_not_utf8_is_bad_request(client):
    response = client.post(
        "/api/auth/device", data=b'{"device_id": "\xff\xfe\xfd12345678"}', content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("peer", "header", "trusted", "expected"),
    [
        ("203.0.113.9", "1.1.1.1", [], "203.0.113.9"),  # no proxy trusted: the header is ignored
        ("10.0.0.2", "1.1.1.1, 198.51.100.4", ["10.0.0.0/8"], "198.51.100.4"),  # the rightmost untrusted
        ("10.0.0.2", "1.1.1.1, 198.51.100.4, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.4"),
        ("203.0.113.9", "1.1.1.1", ["10.0.0.0/8"], "203.0.113.9"),  # not from our proxy: header ignored
        ("10.0.0.2", "garbage, 198.51.100.4", ["10.0.0.0/8"], "198.51.100.4"),
        ("10.0.0.2", "198.51.100.4, not-an-ip", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "10.0.0.7", ["10.0.0.0/8"], "10.0.0.7"),  # only our own hops: from inside
        ("::1", "2001:db8::5", ["::1"], "2001:db8::/64"),  # IPv6: counted by its /64
        ("10.0.0.2", "[2001:db8:0:0:ffff::5]:4711", ["10.0.0.0/8"], "2001:db8::/64"),
        ("2001:db8:1:2:3:4:5:6", None, [], "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.4", None, [], "198.51.100.4"),
    ],
)
def test_client_address_is_the_rightmost_untrusted_hop(settings, peer, header, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(peer, header) == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_health_ready_runs_its_checks_once_for_a_burst(asgi_app, monkeypatch, settings):
    """As a server process sees it: one event loop, 50 probes at once, one round of checks."""
    settings.HEALTH_CACHE_SECONDS = 60
    calls = []
    real = health._database
    monkeypatch.setattr(health, "_database", lambda: (calls.append(1), real())[1])
    answers = await asyncio.gather(*(asgi_http(asgi_app, "GET", "/health/ready") for _ in range(50)))
    assert {status for status, _ in answers} == {200}
    assert len(calls) == 1


def test_health_detail_can_be_limited_to_statuses(client, settings):
    settings.HEALTH_DETAIL = "status"
    body = client.get("/health/ready").json()
    assert body["status"] in {"ok", "degraded"}
    assert all(set(check) == {"status"} for check in body["checks"].values())
    settings.HEALTH_DETAIL = "full"
    health.cached.clear()
    assert "latency_ms" in client.get("/health/ready").json()["checks"]["database"]


def test_html_pages_send_a_content_security_policy(client):
    get_user_model().objects.create_superuser("csp", "csp@example.com", "csp-strong-pass-1")
    client.force_login(get_user_model().objects.get(username="csp"))
    for url in ("/admin/login/", "/admin/", "/admin/accounts/player/"):
        response = client.get(url, follow=True)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy


@pytest.mark.asyncio
async def test_a_declared_oversize_body_is_refused_before_it_is_read(asgi_app):
    headers = [(b"content-type", b"application/json"), (b"content-length", b"3000000")]
    status, body = await asgi_http(asgi_app, "POST", "/api/auth/login", body=b"{}", headers=headers, more_body=True)
    assert status == 413  # answered while the client has sent 2 of the 3,000,000 bytes it announced
    assert json.loads(body)["error"]["code"] == "bad_request"


def test_unknown_api_paths_answer_json_404_also_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such endpoint."}}

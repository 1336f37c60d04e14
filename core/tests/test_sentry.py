"""Sentry reports: PII scrubbed by `before_send`, and end to end through a local stub of Sentry's API.

No Sentry server exists here: the end-to-end tests point the real SDK (our `init_sentry`) at an
HTTP server on a local socket and read the envelopes it receives.
"""

import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sentry_sdk
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from accounts.services import login as login_service
from accounts.services import signup
from baolife.sentry import FILTERED, before_send, init_sentry, scrub_text
from core.testing import asgi_http
from core.verbs import REGISTRY, NoParams, Verb
from game.tests.wsclient import signed_in

EMAIL = "ada.lovelace@example.com"
PASSWORD = "Analytical-Engine-1843"
IP = "203.0.113.77"
COOKIE = "sessionid=s3cr3tSessionCookieValue"


# --- before_send ----------------------------------------------------------------------------


def test_before_send_keeps_only_the_user_id() -> None:
    event = {"user": {"id": 42, "email": EMAIL, "ip_address": IP, "username": "ada"}}
    assert before_send(event, {})["user"] == {"id": "42"}
    assert before_send({"user": {"email": EMAIL, "ip_address": IP}}, {})["user"] == {}
    assert before_send({}, {})["user"] == {}


def test_before_send_drops_cookies_body_env_and_sensitive_headers() -> None:
    event = {
        "request": {
            "method": "POST",
            "url": "https://api.example/api/auth/login",
            "query_string": f"email={EMAIL}",
            "cookies": {"sessionid": "abc"},
            "data": {"email": EMAIL, "password": PASSWORD},
            "env": {"REMOTE_ADDR": IP, "SERVER_NAME": "web-1"},
            "headers": {
                "User-Agent": "BaoLife/1.0 iOS",
                "Content-Type": "application/json",
                "Authorization": "Bearer abc",
                "Cookie": COOKIE,
                "X-Forwarded-For": IP,
                "X-Real-Ip": IP,
            },
        }
    }
    assert before_send(event, {})["request"] == {
        "method": "POST",
        "url": "https://api.example/api/auth/login",
        "headers": {"User-Agent": "BaoLife/1.0 iOS", "Content-Type": "application/json"},
    }


def test_before_send_scrubs_frame_variables_by_name_and_by_content() -> None:
    token = accounts_token_shape()
    frame_vars = {
        "token": token,
        "password": PASSWORD,
        "email": EMAIL,
        "client_ip": IP,
        "text": json.dumps({"type": "auth", "id": "a1", "token": token}),
        "args": [token],
        "scope": {"headers": [["b'cookie'", f"b'{COOKIE}'"], ["b'user-agent'", "b'curl'"]], "client": [IP, 5000]},
        "note": f"player {EMAIL} from {IP} / 2001:db8::7 sent Bearer {token}",
        "player_id": 42,
        "activity": "study",
    }
    event = {
        "exception": {
            "values": [
                {
                    "type": "RuntimeError",
                    "value": f"boom for {EMAIL} at {IP}",
                    "stacktrace": {"frames": [{"function": "handler", "vars": frame_vars}]},
                }
            ]
        }
    }
    scrubbed = before_send(event, {})["exception"]["values"][0]
    assert scrubbed["value"] == f"boom for {FILTERED} at {FILTERED}"
    assert scrubbed["stacktrace"]["frames"][0]["vars"] == {
        "token": FILTERED,
        "password": FILTERED,
        "email": FILTERED,
        "client_ip": FILTERED,
        "text": json.dumps({"type": "auth", "id": "a1", "token": FILTERED}),
        "args": [FILTERED],
        "scope": {"headers": [["b'cookie'", FILTERED], ["b'user-agent'", "b'curl'"]], "client": [FILTERED, 5000]},
        "note": f"player {FILTERED} from {FILTERED} / {FILTERED} sent Bearer {FILTERED}",
        "player_id": 42,
        "activity": "study",
    }
    assert scrubbed["stacktrace"]["frames"][0]["function"] == "handler"


def test_before_send_leaves_the_servers_own_fields_alone() -> None:
    event = {
        "event_id": "9f86d081884c7d659a2feaa0c55ad015",
        "release": "baolife@1.2.3",
        "environment": "production",
        "server_name": "web-1",
        "modules": {"click-plugins": "1.1.1.2", "django": "5.2.19"},
    }
    assert before_send(dict(event), {}) == {**event, "user": {}}


def test_scrub_text_leaves_ordinary_text_alone() -> None:
    for text in (
        "unhandled error in ws:do_activity (ref 9f86d081884c7d659a2feaa0c55ad015, player 42)",
        "at 2030-01-01T12:30:45+00:00",
        "Django 5.2.19",
        "Invalid or expired token.",
    ):
        assert scrub_text(text) == text


def accounts_token_shape() -> str:
    import secrets

    return "Ab" + secrets.token_urlsafe(32)  # the shape `issue_token` hands out, surely mixed case


# --- end to end through a local Sentry stub ------------------------------------------------------


class SentryStub:
    """An HTTP server on a real local socket that accepts Sentry envelopes and keeps them."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                elif self.headers.get("Content-Encoding") == "br":
                    import brotli

                    body = brotli.decompress(body)
                stub.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def dsn(self) -> str:
        return f"http://public@127.0.0.1:{self.port}/1"

    def events(self) -> list[tuple[dict, bytes]]:
        """(event, raw envelope) for every error event received."""
        found = []
        for body in list(self.bodies):
            for item_type, payload in _envelope_items(body):
                if item_type == "event":
                    found.append((json.loads(payload), body))
        return found

    def wait_for_event(self, event_id: str, timeout: float = 10) -> tuple[dict, bytes]:
        sentry_sdk.flush(timeout=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, raw in self.events():
                if event.get("event_id") == event_id:
                    return event, raw
            time.sleep(0.05)
        raise AssertionError(f"event {event_id} never reached the stub ({len(self.bodies)} envelopes)")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _envelope_items(body: bytes) -> Iterator[tuple[str, bytes]]:
    """Items of a Sentry envelope: a header line, then (item header line, payload) pairs."""
    _, _, rest = body.partition(b"\n")
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header = json.loads(header_line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] :]
            rest = rest.removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        yield header.get("type", ""), payload


@pytest.fixture
def sentry_stub() -> Iterator[SentryStub]:
    stub = SentryStub()
    assert init_sentry(dsn=stub.dsn, environment="test", release="baolife@test")
    try:
        yield stub
    finally:
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)  # back to the non-recording client
        stub.close()


def _assert_no_pii(raw: bytes, *secrets: str) -> None:
    text = raw.decode()
    for secret in secrets:
        assert secret not in text, f"{secret!r} reached Sentry"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_websocket_handler_crash_reaches_sentry_with_ref_and_without_pii(
    asgi_app: Any, sentry_stub: SentryStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = await sync_to_async(signup.register)(email=EMAIL, password=PASSWORD)
    token = session.token

    def explode(ctx: Any, params: NoParams) -> dict:
        email, client_ip, bearer = EMAIL, IP, token  # locals Sentry would otherwise collect
        raise RuntimeError(f"explode for {email} from {client_ip} with {bearer}")

    monkeypatch.setitem(REGISTRY, "explode", Verb("explode", NoParams, database_sync_to_async(explode)))
    client = await signed_in(asgi_app, token)
    reply = await client.request("explode", rid="x1")
    assert reply["ok"] is False and reply["id"] == "x1"
    assert set(reply["error"]) == {"code", "message", "ref"} and reply["error"]["code"] == "internal"
    await client.close()

    event, raw = await sync_to_async(sentry_stub.wait_for_event)(reply["error"]["ref"])

    assert event["event_id"] == reply["error"]["ref"]
    assert event["user"] == {"id": str(session.player_id)}
    assert event["environment"] == "test" and event["release"] == "baolife@test"
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == f"explode for {FILTERED} from {FILTERED} with {FILTERED}"
    _assert_no_pii(raw, EMAIL, IP, token, PASSWORD)


async def _asgi_post(app: Any, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One HTTP request through the real ASGI application, from a client address on the internet."""
    return await asgi_http(app, "POST", path, body=body, headers=headers, client=IP)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_http_view_crash_reaches_sentry_with_ref_and_without_pii(
    asgi_app: Any, sentry_stub: SentryStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = (await sync_to_async(signup.register)(email=EMAIL, password=PASSWORD)).token

    def broken_login(*, email: str, password: str, ip: str) -> None:
        raise RuntimeError(f"login store failed for {email} from {ip}")

    monkeypatch.setattr(login_service, "login", broken_login)
    status, content = await _asgi_post(
        asgi_app,
        "/api/auth/login?email=" + EMAIL,
        json.dumps({"email": EMAIL, "password": PASSWORD}).encode(),
        [
            (b"content-type", b"application/json"),
            (b"user-agent", b"BaoLife-test/1.0"),
            (b"x-forwarded-for", IP.encode()),
            (b"authorization", f"Bearer {token}".encode()),
            (b"cookie", COOKIE.encode()),
        ],
    )
    assert status == 500
    error = json.loads(content)["error"]
    assert error["code"] == "internal" and set(error) == {"code", "message", "ref"}

    event, raw = await sync_to_async(sentry_stub.wait_for_event)(error["ref"])

    assert event["event_id"] == error["ref"]
    assert event["user"] == {}
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"].endswith("/api/auth/login")
    assert event["request"]["headers"] == {"user-agent": "BaoLife-test/1.0", "content-type": "application/json"}
    assert not {"cookies", "data", "env", "query_string"} & set(event["request"])
    assert event["exception"]["values"][-1]["value"] == f"login store failed for {FILTERED} from {FILTERED}"
    _assert_no_pii(raw, EMAIL, IP, token, PASSWORD, "s3cr3tSessionCookieValue")


def test_sampling_is_ten_percent_traces_and_profiles(sentry_stub: SentryStub) -> None:
    options = sentry_sdk.get_client().options
    assert options["traces_sample_rate"] == 0.1
    assert options["profile_session_sample_rate"] == 0.1 and options["profile_lifecycle"] == "trace"

"""HTTP sign-in endpoints (PROTOCOL.md section 1) and the account services behind them."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuthToken, Player
from accounts.services import bans, signup, tokens
from monetization.services import ledger

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: object, **headers: str):
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def test_device_sign_in_creates_then_reuses_the_account(client):
    first = post(client, "/api/auth/device", {"device_id": "iphone-abcdef-1"})
    second = post(client, "/api/auth/device", {"device_id": "iphone-abcdef-1"})
    assert first.status_code == 200 and second.status_code == 200
    assert first.json()["created"] is True and second.json()["created"] is False
    assert first.json()["player_id"] == second.json()["player_id"]
    assert first.json()["token"] != second.json()["token"]
    assert Player.objects.count() == 1


def test_token_is_stored_only_as_hash(client):
    token = post(client, "/api/auth/device", {"device_id": "device-hash-1"}).json()["token"]
    row = AuthToken.objects.get()
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(list(AuthToken.objects.values()), default=str)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"device_id": "short"}, ["device_id"]),
        ({}, ["device_id"]),
        ({"device_id": "x" * 129}, ["device_id"]),
        ({"device_id": 12345678}, ["device_id"]),
        ({"device_id": "abcdefgh", "x": 1}, ["x"]),
    ],
)
def test_device_bad_input(client, body, fields):
    response = post(client, "/api/auth/device", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request" and response.json()["error"]["fields"] == fields
    assert Player.objects.count() == 0


def test_device_non_json_body(client):
    response = client.post("/api/auth/device", data="nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_register_upgrades_guest_in_place(client):
    guest = post(client, "/api/auth/device", {"device_id": "device-guest-1"}).json()
    ledger.diamonds_credit(player_id=guest["player_id"], amount=42, reason="operator_grant")
    response = post(
        client,
        "/api/auth/register",
        {"email": "Ann@Example.com", "password": "a-strong-pass-9", "token": guest["token"]},
    )
    assert response.status_code == 201
    assert response.json()["player_id"] == guest["player_id"]
    player = Player.objects.get(pk=guest["player_id"])
    assert (
        player.is_guest is False
        and ledger.balance(player_id=player.pk).diamonds == 50 + 42  # the welcome diamonds, then the grant
        and player.user.email == "ann@example.com"
    )
    assert Player.objects.count() == 1
    login = post(client, "/api/auth/login", {"email": "ann@example.com", "password": "a-strong-pass-9"})
    assert login.status_code == 200 and login.json()["player_id"] == guest["player_id"]


def test_register_without_guest_creates_account(client):
    response = post(client, "/api/auth/register", {"email": "bo@example.com", "password": "another-pass-77"})
    assert response.status_code == 201
    assert Player.objects.get(pk=response.json()["player_id"]).is_guest is False


def test_register_duplicate_email_is_conflict_and_changes_nothing(client):
    post(client, "/api/auth/register", {"email": "cy@example.com", "password": "another-pass-77"})
    guest = post(client, "/api/auth/device", {"device_id": "device-dup-1"}).json()
    response = post(
        client,
        "/api/auth/register",
        {"email": "CY@example.com", "password": "another-pass-78", "token": guest["token"]},
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert Player.objects.get(pk=guest["player_id"]).is_guest is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": "long-enough-1"}, "email"),
        ({"email": "ok@example.com", "password": "short"}, "password"),
        ({"email": "ok@example.com", "password": "12345678901"}, "password"),
    ],
)
def test_register_bad_input(client, body, field):
    response = post(client, "/api/auth/register", body)
    assert response.status_code == 400 and response.json()["error"]["fields"] == [field]
    assert Player.objects.count() == 0


def test_register_with_invalid_guest_token(client):
    response = post(
        client, "/api/auth/register", {"email": "dd@example.com", "password": "long-enough-1", "token": "bogus"}
    )
    assert response.status_code == 401
    assert Player.objects.count() == 0


def test_login_wrong_password_is_401(client):
    post(client, "/api/auth/register", {"email": "ee@example.com", "password": "right-pass-123"})
    response = post(client, "/api/auth/login", {"email": "ee@example.com", "password": "wrong-pass-123"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_login_throttled_per_account(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    post(client, "/api/auth/register", {"email": "ff@example.com", "password": "right-pass-123"})
    codes = [
        post(
            client,
            "/api/auth/login",
            {"email": "ff@example.com", "password": "bad-pass-000"},
            REMOTE_ADDR=f"10.0.0.{i}",
        ).status_code
        for i in range(3)
    ]
    assert codes == [401, 401, 401]
    blocked = post(client, "/api/auth/login", {"email": "ff@example.com", "password": "right-pass-123"})
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "rate_limited"
    assert int(blocked["Retry-After"]) > 0


def test_login_throttled_per_ip(client, settings):
    settings.LOGIN_FAILURES_PER_IP = 2
    for i in range(2):
        post(client, "/api/auth/login", {"email": f"nobody{i}@example.com", "password": "bad-pass-000"})
    response = post(client, "/api/auth/login", {"email": "other@example.com", "password": "bad-pass-000"})
    assert response.status_code == 429


def test_logout_revokes_token(client):
    token = post(client, "/api/auth/device", {"device_id": "device-out-1"}).json()["token"]
    assert tokens.token_lookup(token) is not None
    response = client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    assert tokens.token_lookup(token) is None
    again = client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_logout_without_header(client):
    response = client.post("/api/auth/logout")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_expired_token_does_not_work(client, settings):
    token = post(client, "/api/auth/device", {"device_id": "device-exp-1"}).json()["token"]
    AuthToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.token_lookup(token) is None


def test_token_lifetime_is_configurable(client, settings):
    settings.AUTH_TOKEN_TTL_DAYS = 2
    post(client, "/api/auth/device", {"device_id": "device-ttl-1"})
    row = AuthToken.objects.get()
    assert timedelta(days=2) - timedelta(seconds=5) < row.expires_at - row.created_at <= timedelta(days=2)


def test_banned_player_cannot_sign_in(client):
    session = signup.sign_in_device(device_id="device-ban-1")
    bans.ban(player_id=session.player_id, reason="cheating")
    assert tokens.token_lookup(session.token) is None
    response = post(client, "/api/auth/device", {"device_id": "device-ban-1"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_wrong_method_is_405_in_the_error_shape(client):
    response = client.get("/api/auth/device")
    assert response.status_code == 405 and response.json()["error"]["code"] == "bad_request"
    assert response["Allow"] == "POST"


def test_unknown_api_path_is_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_purge_expired_tokens_keeps_live_ones():
    live = signup.sign_in_device(device_id="device-purge-1")
    old = signup.sign_in_device(device_id="device-purge-2")
    AuthToken.objects.filter(player_id=old.player_id).update(expires_at=timezone.now() - timedelta(days=3))
    assert tokens.purge_expired_tokens() == 1
    assert tokens.token_lookup(live.token) is not None

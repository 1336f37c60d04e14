"""The accounts under attack: parallel guesses, parallel sign-ups, timing, forged addresses, CSRF.

Every test here reproduces a defect found when the server was attacked (issue 7); concurrency
runs on real threads against the real database (MariaDB in CI's second run) and the real
counters (Redis there).
"""

import importlib
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import AuthToken, Player
from accounts.services import login, signup, tokens
from accounts.tests.hashers import CountingHasher
from core.errors import GameError
from core.testing import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-strong-pass-9"


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["accounts.tests.hashers.CountingHasher"]
    CountingHasher.reset()
    return CountingHasher


def post(client: Client, path: str, body: object, **extra: str):
    return client.post(path, data=json.dumps(body), content_type="application/json", **extra)


def _outcome(result: object) -> str:
    if isinstance(result, GameError):
        return result.code
    if isinstance(result, Exception):
        return f"crash:{type(result).__name__}:{result}"
    return "ok"


# --- 2.1 concurrent guesses -------------------------------------------------------------------
def test_forty_parallel_guesses_check_at_most_the_account_limit(settings, counting_hasher):
    signup.register(email="victim@example.com", password=PASSWORD)
    counting_hasher.reset()
    results = run_concurrently(
        40, lambda i: login.login(email="victim@example.com", password=f"guess-{i:04d}", ip=f"10.9.{i}.1")
    )
    outcomes = [_outcome(r) for r in results]
    assert counting_hasher.calls <= settings.LOGIN_FAILURES_PER_ACCOUNT
    assert outcomes.count("unauthenticated") == counting_hasher.calls
    assert outcomes.count("rate_limited") == 40 - counting_hasher.calls


def test_the_right_password_inside_a_burst_is_checked_only_within_the_limit(settings, counting_hasher):
    signup.register(email="victim2@example.com", password=PASSWORD)
    counting_hasher.reset()
    results = run_concurrently(
        31,
        lambda i: login.login(
            email="victim2@example.com", password=PASSWORD if i == 30 else f"guess-{i:04d}", ip=f"10.8.{i}.1"
        ),
    )
    outcomes = [_outcome(r) for r in results]
    assert outcomes.count("unauthenticated") <= settings.LOGIN_FAILURES_PER_ACCOUNT  # wrong ones checked
    assert counting_hasher.calls == outcomes.count("unauthenticated") + outcomes.count("ok")
    assert outcomes.count("rate_limited") == 31 - counting_hasher.calls
    assert set(outcomes) <= {"ok", "unauthenticated", "rate_limited"}


# --- 2.2 one email, one account ---------------------------------------------------------------
def test_parallel_registrations_of_one_email_create_one_account():
    spellings = ["Dup@Example.com", "dup@example.com", "DUP@EXAMPLE.COM", " dup@Example.com "]
    results = run_concurrently(8, lambda i: signup.register(email=spellings[i % 4], password=PASSWORD))
    outcomes = sorted(_outcome(r) for r in results)
    assert outcomes == ["conflict"] * 7 + ["ok"]
    assert Player.objects.filter(email="dup@example.com").count() == 1
    assert Player.objects.count() == 1
    assert get_user_model().objects.count() == 1  # the losers left no half-made user behind


def test_parallel_guest_upgrades_to_one_email_upgrade_one_guest():
    guests = [signup.sign_in_device(device_id=f"device-upgrade-{i:04d}") for i in range(6)]
    results = run_concurrently(
        6, lambda i: signup.register(email="same@example.com", password=PASSWORD, guest_token=guests[i].token)
    )
    assert sorted(_outcome(r) for r in results) == ["conflict"] * 5 + ["ok"]
    assert Player.objects.filter(is_guest=False).count() == 1


def test_migration_refuses_to_run_over_duplicate_emails_and_names_them(make_player):
    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0002_unique_email")
    first, _ = make_player()
    second, _ = make_player()
    Player.objects.filter(pk__in=[first.pk, second.pk]).update(is_guest=False)
    get_user_model().objects.filter(pk=first.user_id).update(email="Twice@Example.com")
    get_user_model().objects.filter(pk=second.user_id).update(email="twice@example.com")
    with pytest.raises(RuntimeError) as refused:
        migration.refuse_duplicates(apps, None)
    assert f"twice@example.com: players {first.pk}, {second.pk}" in str(refused.value)


# --- 2.3 timing -------------------------------------------------------------------------------
def test_an_unknown_email_costs_the_same_hashing_as_a_known_one(counting_hasher):
    signup.register(email="known@example.com", password=PASSWORD)
    counting_hasher.reset()
    with pytest.raises(GameError):
        login.login(email="known@example.com", password="wrong-pass-1", ip="10.0.0.1")
    known = counting_hasher.calls
    counting_hasher.reset()
    with pytest.raises(GameError):
        login.login(email="nobody@example.com", password="wrong-pass-1", ip="10.0.0.2")
    assert known >= 1
    assert counting_hasher.calls == known


# --- 2.4 sign-up limits, token cap, blank passwords -------------------------------------------
def test_new_accounts_per_address_are_limited_and_sign_ins_are_not(settings):
    settings.SIGNUPS_PER_IP_PER_HOUR = 5
    existing = signup.sign_in_device(device_id="device-existing-1", ip="10.1.1.1")
    results = run_concurrently(12, lambda i: signup.sign_in_device(device_id=f"device-flood-{i:04d}", ip="10.2.2.2"))
    outcomes = [_outcome(r) for r in results]
    assert outcomes.count("ok") == 5 and outcomes.count("rate_limited") == 7
    assert Player.objects.filter(device_id__startswith="device-flood-").count() == 5
    refused = next(r for r in results if isinstance(r, GameError))
    assert 0 < refused.extra["retry_after"] <= 3600
    again = signup.sign_in_device(device_id="device-existing-1", ip="10.2.2.2")  # a sign-in, not a sign-up
    assert again.player_id == existing.player_id and not again.created
    assert signup.sign_in_device(device_id="device-other-1", ip="10.3.3.3").created  # another address
    with pytest.raises(GameError) as more:
        signup.register(email="late@example.com", password=PASSWORD, ip="10.2.2.2")
    assert more.value.code == "rate_limited"


def test_http_sign_up_limit_answers_429_with_retry_after(client, settings):
    settings.SIGNUPS_PER_IP_PER_HOUR = 2
    codes = [post(client, "/api/auth/device", {"device_id": f"device-http-{i:04d}"}).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    response = post(client, "/api/auth/device", {"device_id": "device-http-0000"})  # known device: a sign-in
    assert response.status_code == 200
    refused = post(client, "/api/auth/register", {"email": "x@example.com", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "rate_limited"


def test_live_tokens_per_player_are_capped_oldest_first(settings):
    settings.AUTH_MAX_TOKENS_PER_PLAYER = 3
    sessions = [signup.sign_in_device(device_id="device-many-tokens") for _ in range(5)]
    assert [tokens.token_lookup(s.token) is not None for s in sessions] == [False, False, True, True, True]
    assert AuthToken.objects.filter(revoked_at__isnull=True).count() == 3


def test_parallel_sign_ins_keep_the_token_cap(settings):
    settings.AUTH_MAX_TOKENS_PER_PLAYER = 4
    player_id = signup.sign_in_device(device_id="device-parallel-tokens").player_id
    results = run_concurrently(20, lambda i: signup.sign_in_device(device_id="device-parallel-tokens"))
    assert all(_outcome(r) == "ok" for r in results)
    assert AuthToken.objects.filter(player_id=player_id, revoked_at__isnull=True).count() == 4


@pytest.mark.parametrize("password", ["        ", "\t\n  \t  ", " "])
def test_a_password_of_only_whitespace_is_refused(client, password):
    response = post(client, "/api/auth/register", {"email": "blank@example.com", "password": password})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == ["password"]
    assert not Player.objects.exists()


# --- 2.5 login CSRF ---------------------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_json_endpoints_accept_only_json(client, content_type):
    signup.register(email="csrf@example.com", password=PASSWORD)
    body = json.dumps({"email": "csrf@example.com", "password": PASSWORD})
    response = client.post("/api/auth/login", data=body, content_type=content_type)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "bad_request"
    assert "sessionid" not in response.cookies and AuthToken.objects.count() == 1


def test_cookie_setting_endpoints_refuse_a_foreign_browser_origin(client, settings):
    settings.WS_ALLOWED_ORIGINS = ["https://play.baolife.example"]
    signup.register(email="origin@example.com", password=PASSWORD)
    body = {"email": "origin@example.com", "password": PASSWORD}
    foreign = post(client, "/api/auth/login", body, HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "forbidden"
    assert "sessionid" not in foreign.cookies
    refused = post(
        client,
        "/api/auth/register",
        {"email": "o2@example.com", "password": PASSWORD},
        HTTP_ORIGIN="https://evil.example",
    )
    assert refused.status_code == 403 and not Player.objects.filter(email="o2@example.com").exists()
    assert post(client, "/api/auth/login", body, HTTP_ORIGIN="https://play.baolife.example").status_code == 200
    assert post(client, "/api/auth/login", body).status_code == 200  # native apps send no Origin


# --- 2.6 the admin login ----------------------------------------------------------------------
def test_the_admin_login_locks_after_wrong_passwords_even_from_rotating_forwarded_addresses(client):
    get_user_model().objects.create_superuser("operator", "op@example.com", "op-strong-pass-1")
    for i in range(30):
        client.post(
            "/admin/login/?next=/admin/",
            {"username": "operator", "password": f"wrong-{i}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post("/admin/login/?next=/admin/", {"username": "operator", "password": "op-strong-pass-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_the_admin_login_works_below_the_limit(client):
    get_user_model().objects.create_superuser("operator2", "op2@example.com", "op-strong-pass-2")
    for i in range(3):
        client.post("/admin/login/?next=/admin/", {"username": "operator2", "password": f"wrong-{i}"})
    response = client.post("/admin/login/?next=/admin/", {"username": "operator2", "password": "op-strong-pass-2"})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


# --- 4.4 forged client addresses ----------------------------------------------------------------
def test_a_rotating_forwarded_for_header_does_not_escape_the_per_address_limit(client, settings):
    settings.LOGIN_FAILURES_PER_IP = 20
    codes = [
        post(
            client,
            "/api/auth/login",
            {"email": f"nobody{i}@example.com", "password": "bad-pass-000"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(25)
    ]
    assert codes[:20] == [401] * 20 and codes[20:] == [429] * 5


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    settings.LOGIN_FAILURES_PER_IP = 3
    forged_then_real = lambda i: f"198.51.100.{i}, 192.0.2.7, 10.0.0.5"  # noqa: E731 - client, its hop, proxy
    codes = [
        post(
            client,
            "/api/auth/login",
            {"email": f"n{i}@example.com", "password": "bad-pass-000"},
            HTTP_X_FORWARDED_FOR=forged_then_real(i),
            REMOTE_ADDR="127.0.0.1",
        ).status_code
        for i in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]  # all counted against 192.0.2.7, whatever the client wrote
    other = post(
        client,
        "/api/auth/login",
        {"email": "n9@example.com", "password": "bad-pass-000"},
        HTTP_X_FORWARDED_FOR="192.0.2.8",
        REMOTE_ADDR="127.0.0.1",
    )
    assert other.status_code == 401


def test_thirty_parallel_admin_login_guesses_check_at_most_the_limit(settings, counting_hasher):
    get_user_model().objects.create_superuser("operator3", "op3@example.com", "op-strong-pass-3")
    counting_hasher.reset()

    def guess(i: int) -> int:
        response = Client().post("/admin/login/?next=/admin/", {"username": "operator3", "password": f"wrong-{i}"})
        return response.status_code

    codes = run_concurrently(30, guess)
    assert counting_hasher.calls <= settings.AXES_FAILURE_LIMIT
    assert all(code in (200, 429) for code in codes), codes  # the form again, or locked: never a 500
    assert codes.count(429) >= 30 - settings.AXES_FAILURE_LIMIT


def test_registration_conflicts_count_as_sign_ups_so_emails_cannot_be_probed(settings):
    settings.SIGNUPS_PER_IP_PER_HOUR = 3
    for i in range(3):
        signup.register(email=f"taken{i}@example.com", password=PASSWORD)  # internal: no address
    outcomes = []
    for i in range(6):
        try:
            signup.register(email=f"taken{i % 3}@example.com", password=PASSWORD, ip="10.7.7.7")
            outcomes.append("ok")
        except GameError as exc:
            outcomes.append(exc.code)
    assert outcomes == ["conflict"] * 3 + ["rate_limited"] * 3


def test_emails_differing_only_by_accents_are_different_accounts():
    signup.register(email="ann@bucher.de", password=PASSWORD)
    other = signup.register(email="Ann@Bücher.de", password=PASSWORD)
    assert Player.objects.get(pk=other.player_id).email == "ann@bücher.de"
    assert login.login(email="ann@bücher.de", password=PASSWORD, ip="10.0.0.3").player_id == other.player_id


def test_an_email_too_long_once_case_folded_is_bad_request():
    email = "a" * 60 + "@" + ".".join(["ß" * 20] * 6) + ".de"  # 189 characters; 309 once "ß" is "ss"
    with pytest.raises(GameError) as refused:
        signup.register(email=email, password=PASSWORD)
    assert refused.value.code == "bad_request" and refused.value.extra["fields"] == ["email"]
    assert refused.value.message == "This email address is too long."


def test_registration_hashes_the_password_outside_its_transaction(counting_hasher, make_player):
    """On SQLite a transaction holds the one write lock: a hash inside it makes every writer wait."""
    signup.register(email="fresh@example.com", password=PASSWORD)
    _, guest_token = make_player()
    signup.register(email="upgrade@example.com", password=PASSWORD, guest_token=guest_token)
    assert counting_hasher.calls >= 2
    assert counting_hasher.inside_transaction == 0

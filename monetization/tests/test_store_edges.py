"""Store edges found by attacking the server (issue 7): a store not configured, the store API quota."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from core.errors import GameError
from core.testing import run_concurrently
from game.tests.wsclient import signed_in
from monetization.models import DiamondTransaction
from monetization.services import stores
from monetization.tests.test_store_purchases import buy, buy_google, play  # noqa: F401 - fixture

Reason = DiamondTransaction.Reason


@pytest.fixture
def no_stores(settings):
    settings.APPLE_ROOT_CERTIFICATES = []
    settings.APPLE_BUNDLE_ID = ""
    settings.GOOGLE_PLAY_PACKAGE_NAME = ""
    settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = ""
    stores.reset()
    yield
    stores.reset()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_store_not_configured_answers_unavailable_over_the_socket(asgi_app, make_player, no_stores):
    _, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    reply = await client.request(
        "purchase_diamonds",
        rid="p",
        platform="apple",
        product_id="com.baolife.diamonds.600",
        signed_transaction="eyJhbGciOiJFUzI1NiJ9.e30.sig",
    )
    assert reply["ok"] is False
    assert reply["error"] == {
        "code": "unavailable",
        "message": "The App Store is not configured on this server.",
        "retry_after": 3600,
    }
    reply = await client.request(
        "purchase_diamonds", rid="g", platform="google", product_id="com.baolife.diamonds.600", purchase_token="tok"
    )
    assert reply["error"]["code"] == "unavailable" and "Google Play" in reply["error"]["message"]
    await client.close()


@pytest.mark.django_db
def test_a_store_left_out_of_stores_is_not_offered(make_player, settings):
    settings.STORES = ["google"]
    player, _ = make_player()
    with pytest.raises(GameError) as refused:
        buy(player.pk, platform="apple", product_id="com.baolife.diamonds.600", signed_transaction="x.y.z")
    assert refused.value.code == "unavailable" and "not offered" in refused.value.message


@pytest.mark.django_db
def test_apple_notifications_without_the_app_store_configured_answer_503(no_stores):
    response = Client().post(
        "/api/store/apple/notifications", data=json.dumps({"signedPayload": "a.b.c"}), content_type="application/json"
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable" and response["Retry-After"] == "3600"


@pytest.mark.django_db(transaction=True)
def test_store_verifications_per_player_are_limited_before_the_store_is_asked(play, make_player, settings):  # noqa: F811
    settings.STORE_VERIFICATIONS_PER_MINUTE = 10
    player, _ = make_player()
    results = run_concurrently(40, lambda i: buy_google(player.pk, f"garbage-{i}"))
    codes = [r.code for r in results if isinstance(r, GameError)]
    assert len(codes) == 40
    assert codes.count("rate_limited") == 30 and codes.count("invalid_receipt") == 10
    asked = [r for r in play.requests if "/tokens/" in r[1]]
    assert len(asked) == 10  # 30 never reached the Play API

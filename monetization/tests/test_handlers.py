"""The economy's verbs over the socket: shapes, validation, history paging."""

import pytest
from asgiref.sync import sync_to_async

from game.services import live
from game.tests.wsclient import signed_in
from monetization.models import DiamondTransaction
from monetization.services import ledger

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
Reason = DiamondTransaction.Reason


async def test_refill_over_socket_and_u_push(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    await sync_to_async(live.arrive)(player.pk)
    await sync_to_async(ledger.diamonds_credit)(player_id=player.pk, amount=50, reason=Reason.OPERATOR_GRANT)
    client = await signed_in(asgi_app, token)
    reply = await client.request("purchase_energy_refill", rid="r", refill_type="small", idempotency_key="k-1")
    assert reply["ok"] and reply["data"]["diamonds"] == 40
    assert set(reply["data"]) == {"energy", "diamonds", "unlimited_energy_until"}
    frame = await client.recv_raw(timeout=3)
    assert {"type": "u", "diamonds": 40} in frame["messages"]
    again = await client.request("purchase_energy_refill", rid="r2", refill_type="small", idempotency_key="k-1")
    assert again["data"] == reply["data"]
    await client.close()


async def test_purchase_validation_and_refusals(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    reply = await client.request("purchase_energy_refill", rid="a", refill_type="huge")
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["refill_type"]
    reply = await client.request("purchase_time_skip", rid="b", skip_type="year")
    assert reply["error"]["fields"] == ["skip_type"]
    reply = await client.request("purchase_time_skip", rid="c", skip_type="week")
    assert reply["error"] == {
        "code": "insufficient_diamonds",
        "message": "This costs 100 diamonds; you have 0.",
        "balance": 0,
        "price": 100,
    }
    reply = await client.request("purchase_diamonds", rid="d", platform="apple", product_id="com.baolife.diamonds.100")
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["signed_transaction"]
    reply = await client.request("purchase_diamonds", rid="e", platform="steam", product_id="x", purchase_token="t")
    assert reply["error"]["fields"] == ["platform"]
    reply = await client.request("get_diamond_history", rid="f", limit=101)
    assert reply["error"]["fields"] == ["limit"]
    await client.close()


async def test_diamond_history_pages_newest_first(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    for amount in (1, 2, 3, 4, 5):
        await sync_to_async(ledger.diamonds_credit)(player_id=player.pk, amount=amount, reason=Reason.QUEST)
    client = await signed_in(asgi_app, token)
    first = await client.request("get_diamond_history", rid="h1", limit=2)
    assert [t["amount"] for t in first["data"]["transactions"]] == [5, 4]
    second = await client.request("get_diamond_history", rid="h2", limit=2, before=first["data"]["next_before"])
    assert [t["amount"] for t in second["data"]["transactions"]] == [3, 2]
    third = await client.request("get_diamond_history", rid="h3", limit=2, before=second["data"]["next_before"])
    assert [t["amount"] for t in third["data"]["transactions"]] == [1] and third["data"]["next_before"] is None
    await client.close()

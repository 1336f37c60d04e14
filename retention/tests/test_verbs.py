"""Retention's verbs over the socket, as a client that knows only the protocol uses them."""

import pytest
from asgiref.sync import sync_to_async

from game.tests.wsclient import signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_the_retention_verbs_answer(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    zone = await client.request("set_time_zone", rid="z", time_zone="Europe/Paris")
    assert zone["data"] == {"time_zone": "Europe/Paris"}
    daily = await client.request("check_daily_login", rid="a")
    assert daily["ok"] and set(daily["data"]) >= {
        "streak",
        "day_in_cycle",
        "claimable",
        "rewards",
        "next_reset_at",
        "server_now",
    }
    claim = await client.request("claim_daily_reward", rid="b")
    assert claim["ok"] and claim["data"]["reward"]["diamonds"] == 5 and claim["data"]["streak"] == 1
    again = await client.request("claim_daily_reward", rid="c")
    assert again["error"]["code"] == "conflict"
    quests = await client.request("get_active_quests", rid="d")
    assert len(quests["data"]["quests"]) == 3
    first = quests["data"]["quests"][0]
    early = await client.request("complete_quest", rid="e", quest_id=first["quest_id"])
    assert early["error"]["code"] == "conflict"
    told = await client.request("update_quest_progress", rid="f", quest_type=first["type"], amount=999)
    assert told["ok"] and told["data"]["progress"] == 0
    got = await client.request("get_achievements", rid="g")
    assert got["data"]["secret_hidden"] == 13 and got["data"]["total"] == 44
    stats = await client.request("get_statistics", rid="h")
    assert len(stats["data"]["statistics"]) == 16
    album = await client.request("get_photo_album", rid="i", limit=5)
    assert album["data"] == {"photos": [], "next_before": None}
    step = await client.request("tutorial_step", rid="j", step="meet_your_character")
    assert step["data"]["next_step"] == "first_choice"
    bad = await client.request("tutorial_step", rid="k", step="x" * 61)
    assert bad["error"]["code"] == "bad_request" and bad["error"]["fields"] == ["step"]
    bad_zone = await client.request("set_time_zone", rid="l", time_zone="Nowhere/Land")
    assert bad_zone["error"]["code"] == "bad_request"
    await client.close()

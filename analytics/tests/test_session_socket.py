"""A real socket session, end to end: `auth` opens the session with the platform, the player's play
records events in it, the disconnect ends it with its duration and its count."""

import pytest
from asgiref.sync import sync_to_async

from analytics.models import Event, Session
from analytics.services import buffer
from game.tests.wsclient import Client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_socket_session_from_auth_to_disconnect(asgi_app, make_player) -> None:
    player, token = await sync_to_async(make_player)()
    client = Client(asgi_app, headers=[(b"user-agent", b"BaoLife/2.1 (iPhone; iOS 18.1) CFNetwork/1.0")])
    assert await client.connect()
    reply = await client.request("auth", rid="a", token=token)
    assert reply["ok"] and set(reply["data"]["experiments"]) == set()  # no experiment loaded: none running
    session = await sync_to_async(Session.objects.get)(player_id=player.pk)
    assert session.platform == "ios" and session.ended_at is None
    people = reply["data"]["player"]["character"]["people"]
    reply = await client.request("tutorial_step", rid="t", step="meet_your_character")
    assert reply["ok"], reply
    reply = await client.request("claim_daily_reward", rid="d")
    assert reply["ok"], reply
    parent = next(p["id"] for p in people if p["relation"] == "parent")
    talked = await client.request("talk", rid="k", person_id=parent, text="I love you, mum!")
    await client.close()
    await sync_to_async(buffer.flush)()
    names = await sync_to_async(
        lambda: list(Event.objects.filter(player_id=player.pk).order_by("at").values_list("name", flat=True))
    )()
    assert names[0] == "sign_in" and {"tutorial_step", "daily_reward"} <= set(names)
    if talked.get("ok"):  # a 4-year-old may be too tired or too young to talk: then nothing was said
        assert "conversation" in names
    session = await sync_to_async(Session.objects.get)(pk=session.pk)
    assert session.ended_by == "disconnect" and session.duration_seconds is not None
    assert session.event_count == len(names)
    events = await sync_to_async(
        lambda: set(Event.objects.filter(player_id=player.pk).values_list("session_id", flat=True))
    )()
    assert events == {session.pk}

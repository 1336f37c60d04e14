"""Live play over the socket: the game's verbs, the tick's pushes, the offline queue after `auth`."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from game.models import Character, OfflineEvent
from game.services import life, offline, tick
from game.tests.wsclient import Client, signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_auth_reply_carries_the_life(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = Client(asgi_app)
    await client.connect()
    reply = await client.request("auth", rid="a", token=token)
    character = reply["data"]["player"]["character"]
    assert character["stage"] == "child" and character["age"] == 4 and len(character["people"]) >= 2
    first = character["pending_events"]  # the first of the guided first questions waits
    assert len(first) == 1 and first[0]["type"] == "questionEvent" and first[0]["major"] is False
    assert {"energy", "money", "health", "happiness", "smarts", "looks", "time", "pending_events"} <= set(character)
    await client.close()


async def test_auth_params_are_validated(asgi_app):
    client = Client(asgi_app)
    await client.connect()
    reply = await client.request("auth", rid="a", token="x" * 300)
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["token"]
    reply = await client.request("auth", rid="b", token="t", extra=1)
    assert reply["error"]["fields"] == ["extra"]
    await client.close()


async def test_offline_events_are_pushed_oldest_first_after_auth(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    now = timezone.now()
    pushes = [
        (now - timedelta(minutes=10 - i), {"type": "messageEvent", "kind": "test", "text": f"e{i}"}) for i in range(3)
    ]
    await sync_to_async(offline.enqueue)(player_id=player.pk, pushes=pushes)
    client = Client(asgi_app)
    await client.connect()
    await client.request("auth", rid="a", token=token)
    frame = await client.recv_raw()
    assert frame["type"] == "batch"
    texts = [m["text"] for m in frame["messages"] if m.get("kind") == "test"]
    assert texts == ["e0", "e1", "e2"]
    stamps = [m["at"] for m in frame["messages"] if m.get("kind") == "test"]
    assert stamps == sorted(stamps)
    assert await sync_to_async(OfflineEvent.objects.filter(player_id=player.pk).count)() == 0
    await client.close()


async def test_a_full_offline_queue_is_delivered_past_the_outbox_bound(asgi_app, make_player, settings):
    """A week away fills the queue; signing in sends it in batches as the client reads, never counting it
    against the bound for a client that does not read (which would drop the socket, again and again)."""
    settings.WS_OUTBOX_LIMIT = 20
    player, token = await sync_to_async(make_player)()
    now = timezone.now()
    pushes = [
        (now - timedelta(seconds=300 - i), {"type": "messageEvent", "kind": "test", "text": f"e{i}"}) for i in range(95)
    ]
    await sync_to_async(offline.enqueue)(player_id=player.pk, pushes=pushes)
    client = Client(asgi_app)
    await client.connect()
    await client.request("auth", rid="a", token=token)
    texts: list[str] = []
    while len(texts) < 95:
        frame = await client.recv_raw()
        assert frame["type"] == "batch" and len(frame["messages"]) <= settings.WS_PUSH_BATCH_SIZE
        texts += [m["text"] for m in frame["messages"] if m.get("kind") == "test"]
    assert texts == [f"e{i}" for i in range(95)]
    assert (await client.request("ping", rid="p"))["ok"]
    await client.close()


async def test_tick_pushes_changes_to_connected_player(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    await sync_to_async(tick.run_tick)(now=timezone.now() + timedelta(seconds=60))
    frame = await client.recv_raw(timeout=3)
    assert frame["type"] == "batch"
    updates = [m for m in frame["messages"] if m["type"] == "u"]
    assert updates and "time" in updates[0]
    assert await sync_to_async(OfflineEvent.objects.filter(player_id=player.pk).count)() == 0
    await client.close()


async def test_game_verbs_over_the_socket(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    reply = await client.request("do_activity", rid="d", activity="fly_a_plane")
    assert reply["ok"] is False and reply["error"]["code"] == "not_found"
    reply = await client.request("do_activity", rid="d2")
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["activity"]
    reply = await client.request("choose", rid="c", event_id="q999", choice="a")
    assert reply["error"]["code"] == "not_found"
    reply = await client.request("talk", rid="t", person_id="p1", text="")
    assert reply["error"]["fields"] == ["text"]
    reply = await client.request("talk", rid="t2", person_id="p1", text="x" * 501)
    assert reply["error"]["fields"] == ["text"]
    await client.close()


async def test_talk_over_the_socket_pushes_conversation_lines(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    await sync_to_async(life.arrive)(player_id=player.pk)

    def grow() -> str:
        from game.tests.test_life import grow_up

        grow_up(player.pk, 12)
        state = life.current_character(player_id=player.pk, lock=False).state
        return next(p["id"] for p in state["people"] if p["relation"] in ("parent", "sibling") and p["alive"])

    parent = await sync_to_async(grow)()
    client = await signed_in(asgi_app, token)
    reply = await client.request("talk", rid="t", person_id=parent, text="You are wonderful, thank you!")
    assert reply["ok"], reply
    assert reply["data"]["sentiment"] > 0 and reply["data"]["person"]["id"] == parent
    lines = []
    while len(lines) < 2:
        frame = await client.recv_raw(timeout=3)
        lines += [m for m in frame.get("messages", []) if m["type"] == "conversationEvent"]
    assert [m["speaker"] for m in lines] == ["player", "person"]
    assert lines[1]["text"] == reply["data"]["reply"]
    await client.close()


async def test_disconnect_starts_the_offline_clock(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    await client.close()
    character = await sync_to_async(Character.objects.get)(player_id=player.pk)
    assert character.active_until > timezone.now() + timedelta(days=6, hours=23)


async def test_offline_events_stay_queued_until_delivered(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    now = timezone.now()
    await sync_to_async(offline.enqueue)(player_id=player.pk, pushes=[(now, {"type": "messageEvent", "text": "x"})])
    pushes, ids = await sync_to_async(offline.pending)(player_id=player.pk)
    assert [p["text"] for p in pushes] == ["x"]
    assert await sync_to_async(OfflineEvent.objects.filter(player_id=player.pk).count)() == 1  # not yet sent
    client = Client(asgi_app)
    await client.connect()
    await client.request("auth", rid="a", token=token)
    frame = await client.recv_raw()
    assert [m["text"] for m in frame["messages"] if m["type"] == "messageEvent"][-1] == "x"
    await client.close()
    assert await sync_to_async(OfflineEvent.objects.filter(player_id=player.pk).count)() == 0


async def test_failed_sign_in_leaves_the_socket_signed_out(asgi_app, make_player, monkeypatch):
    from game.services import live

    player, token = await sync_to_async(make_player)()

    def broken(player_id: int) -> dict:
        raise RuntimeError("lock wait timeout")

    monkeypatch.setattr(live, "sign_in", broken)
    client = Client(asgi_app)
    await client.connect()
    reply = await client.request("auth", rid="a", token=token)
    assert reply["error"]["code"] == "internal"
    assert (await client.request("ping", rid="p"))["error"]["code"] == "unauthenticated"
    monkeypatch.undo()
    assert (await client.request("auth", rid="b", token=token))["ok"]
    await client.close()

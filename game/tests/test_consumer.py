"""The live protocol's rules, socket by socket (PROTOCOL.md section 2)."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from core.pushes import push_to_player
from game.tests.wsclient import Client, signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def new_player(make_player):
    return await sync_to_async(make_player)()


async def test_auth_with_token_returns_player_object(asgi_app, make_player):
    player, token = await new_player(make_player)
    client = Client(asgi_app)
    assert await client.connect()
    reply = await client.request("auth", rid="a1", token=token)
    assert reply["type"] == "auth" and reply["id"] == "a1" and reply["ok"] is True
    assert reply["data"]["player"]["player_id"] == player.pk
    assert reply["data"]["player"]["diamonds"] == 0
    await client.close()


async def test_bad_token_is_unauthenticated_and_socket_stays_open(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = Client(asgi_app)
    await client.connect()
    reply = await client.request("auth", rid="a", token="nope")
    assert reply["error"]["code"] == "unauthenticated"
    assert (await client.auth(token))["ok"]
    await client.close()


async def test_every_verb_before_auth_is_unauthenticated(asgi_app):
    client = Client(asgi_app)
    await client.connect()
    for verb in ("ping", "get_state", "nonsense"):
        reply = await client.request(verb, rid=verb)
        assert reply == {
            "type": verb,
            "id": verb,
            "ok": False,
            "error": {"code": "unauthenticated", "message": "Send `auth` first."},
        }
    await client.close()


async def test_session_cookie_authenticates_without_auth_frame(asgi_app, make_player):
    player, _ = await new_player(make_player)

    def browser_session() -> str:
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        store = SessionStore()
        store[SESSION_KEY] = str(player.user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = player.user.get_session_auth_hash()
        store.save()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    cookie = await sync_to_async(browser_session)()
    client = Client(asgi_app, headers=[(b"cookie", cookie.encode()), (b"origin", b"http://localhost:8000")])
    assert await client.connect()
    reply = await client.request("get_state", rid="s")
    assert reply["ok"] and reply["data"]["player_id"] == player.pk
    await client.close()


async def test_unauthenticated_socket_closed_with_4001_after_deadline(asgi_app, settings):
    settings.WS_AUTH_TIMEOUT_SECONDS = 0.3
    client = Client(asgi_app)
    await client.connect()
    message = await client.comm.receive_output(timeout=2)
    assert message == {"type": "websocket.close", "code": 4001}


async def test_authenticated_socket_is_not_closed_at_deadline(asgi_app, make_player, settings):
    settings.WS_AUTH_TIMEOUT_SECONDS = 0.3
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    await asyncio.sleep(0.5)
    assert (await client.request("ping"))["ok"]
    await client.close()


@pytest.mark.parametrize(
    ("frame", "fields"),
    [
        ("not json", None),
        ("[1, 2]", None),
        ('"string"', None),
        ("42", None),
        ("null", None),
        ("[" * 30000 + "]" * 30000, None),  # nesting deeper than the parser goes, within 64 KiB
        ('{"id": "x"}', ["type"]),
        ('{"type": 5, "id": "x"}', ["type"]),
        ('{"type": "ping", "id": 7}', ["id"]),
        ('{"type": "ping", "id": "' + "x" * 65 + '"}', ["id"]),
    ],
)
async def test_malformed_frames_get_bad_request_and_socket_survives(asgi_app, make_player, frame, fields):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    await client.send(frame)
    reply = await client.recv()
    assert reply["ok"] is False and reply["error"]["code"] == "bad_request"
    assert reply["error"].get("fields") == fields
    assert (await client.request("ping", rid="after"))["ok"]
    await client.close()


async def test_binary_frame_is_bad_request(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    await client.comm.send_to(bytes_data=b"\x00\x01")
    reply = await client.recv()
    assert reply["type"] == "error" and reply["error"]["code"] == "bad_request"
    await client.close()


async def test_oversize_frame_is_refused_and_socket_survives(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    await client.send(json.dumps({"type": "ping", "id": "big", "pad": "é" * 40000}))  # 80 KB in UTF-8
    reply = await client.recv()
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["frame"]
    assert (await client.request("ping"))["ok"]
    await client.close()


async def test_frame_just_under_limit_is_parsed(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    frame = json.dumps({"type": "ping", "id": "edge", "pad": ""})
    frame = frame.replace('"pad": ""', '"pad": "' + "x" * (64 * 1024 - len(frame)) + '"')
    assert len(frame.encode()) == 64 * 1024
    await client.send(frame)
    reply = await client.recv()
    # the frame is within the limit, so it reaches validation, which refuses the unknown field
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["pad"]
    await client.close()


async def test_unknown_verb(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    reply = await client.request("fly_to_moon", rid="m")
    assert reply == {
        "type": "fly_to_moon",
        "id": "m",
        "ok": False,
        "error": {"code": "unknown_type", "message": "No verb 'fly_to_moon'."},
    }
    await client.close()


async def test_bad_parameters_name_the_fields(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    reply = await client.request("ping", rid="p", extra=1)
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["extra"]
    await client.close()


async def test_ping_and_get_state(asgi_app, make_player):
    player, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    reply = await client.request("ping", rid="p")
    assert reply["ok"] and reply["id"] == "p" and reply["data"]["server_time"].endswith("+00:00")
    state = await client.request("get_state", rid="g")
    assert state["data"]["player_id"] == player.pk
    await client.close()


async def test_request_without_id_echoes_null(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    await client.send({"type": "ping"})
    reply = await client.recv()
    assert reply["id"] is None and reply["ok"] is True
    await client.close()


async def test_replies_come_in_request_order(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    verbs = ["get_state", "ping", "nope", "get_state", "ping"] * 4
    for i, verb in enumerate(verbs):
        await client.send({"type": verb, "id": str(i)})
    replies = [await client.recv() for _ in verbs]
    assert [r["id"] for r in replies] == [str(i) for i in range(len(verbs))]
    assert [r["type"] for r in replies] == verbs
    await client.close()


async def test_rate_limit_per_socket(asgi_app, make_player, settings):
    settings.WS_RATE_SOCKET_BURST = 5
    settings.WS_RATE_SOCKET_PER_SECOND = 0.1  # slow enough that a slow sign-in (a busy machine) refills nothing
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)  # the auth frame took one token
    replies = [await client.request("ping", rid=str(i)) for i in range(6)]
    assert [r["ok"] for r in replies] == [True] * 4 + [False] * 2
    assert replies[4]["error"]["code"] == "rate_limited"
    assert 0 < replies[4]["error"]["retry_after"] <= 10
    await client.close()


async def test_rate_limit_per_player_spans_sockets(asgi_app, make_player, settings):
    settings.WS_RATE_PLAYER_BURST = 6
    settings.WS_RATE_PLAYER_PER_SECOND = 0.5
    _, token = await new_player(make_player)
    first = await signed_in(asgi_app, token)
    second = await signed_in(asgi_app, token)
    oks = 0
    for i in range(6):
        oks += (await first.request("ping", rid=str(i)))["ok"]
        oks += (await second.request("ping", rid=str(i)))["ok"]
    assert oks == 6  # the player's six tokens, shared by both sockets
    await first.close()
    await second.close()


async def test_push_reaches_every_socket_of_the_player_batched(asgi_app, make_player):
    player, token = await new_player(make_player)
    other, other_token = await new_player(make_player)
    a = await signed_in(asgi_app, token)
    b = await signed_in(asgi_app, token)
    c = await signed_in(asgi_app, other_token)

    def push() -> None:
        push_to_player(player.pk, {"type": "u", "diamonds": 5})

    await sync_to_async(push)()
    for client in (a, b):
        frame = await client.recv_raw()
        assert frame == {"type": "batch", "messages": [{"type": "u", "diamonds": 5}]}
    assert await c.comm.receive_nothing(timeout=0.3)
    for client in (a, b, c):
        await client.close()


async def test_pushes_flush_at_ten_without_waiting(asgi_app, make_player, settings):
    settings.WS_PUSH_BATCH_DELAY_SECONDS = 5  # only the size rule can flush within the test
    player, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)

    def push_many() -> None:
        for i in range(12):
            push_to_player(player.pk, {"type": "u", "n": i})

    await sync_to_async(push_many)()
    frame = await client.recv_raw(timeout=1)
    assert [m["n"] for m in frame["messages"]] == list(range(10))
    assert await client.comm.receive_nothing(timeout=0.3)
    await client.close()


async def test_internal_error_has_ref_and_socket_survives(asgi_app, make_player, monkeypatch):
    from core import verbs

    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)

    async def boom(ctx, params):
        raise RuntimeError("secret stack detail")

    monkeypatch.setitem(verbs.REGISTRY, "ping", verbs.Verb("ping", verbs.NoParams, boom))
    reply = await client.request("ping", rid="x")
    assert reply["error"]["code"] == "internal" and len(reply["error"]["ref"]) == 32
    assert "secret" not in json.dumps(reply)
    monkeypatch.undo()
    assert (await client.request("ping"))["ok"]
    await client.close()


async def test_second_auth_on_signed_in_socket_is_conflict(asgi_app, make_player):
    _, token = await new_player(make_player)
    client = await signed_in(asgi_app, token)
    reply = await client.request("auth", rid="again", token=token)
    assert reply["error"]["code"] == "conflict"
    await client.close()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [(None, True), (b"http://localhost:8000", True), (b"https://evil.example", False)],
)
async def test_origin_check_at_handshake(asgi_app, origin, allowed):
    headers = [(b"origin", origin)] if origin else []
    comm = WebsocketCommunicator(asgi_app, "/ws/play/", headers=headers)
    connected, _ = await comm.connect()
    assert connected is allowed
    if connected:
        await comm.disconnect()


async def test_missing_origin_refused_when_configured(asgi_app, settings):
    settings.WS_ALLOW_MISSING_ORIGIN = False
    comm = WebsocketCommunicator(asgi_app, "/ws/play/")
    connected, _ = await comm.connect()
    assert connected is False

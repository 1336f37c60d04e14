"""A client that stops reading is dropped, not waited for (docs/protocol.md "Close codes"; issue 14).

A real server process (uvicorn, the `make run` flags), a raw client with a small receive buffer that stops
reading: the server's sends to it block. With its replies blocked the heartbeat drops it after
WS_SEND_STALL_SECONDS; with pushes piling up (Redis: pushed from this process) the outbox drops it once
WS_OUTBOX_LIMIT wait, and keeps its event pushes for the next sign-in. Other sockets are not held up.
"""

import asyncio
import base64
import json
import os
import socket

import pytest
from django.conf import settings as django_settings

from game.models import OfflineEvent
from game.tests.test_server_process import _free_port, _post, running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

UVICORN = ["uvicorn", "baolife.asgi:application", "--host", "127.0.0.1", "--loop", "uvloop", "--http", "httptools"]
UVICORN += ["--ws", "websockets-sansio", "--ws-per-message-deflate", "false", "--lifespan", "on", "--no-access-log"]


def _frame(text: str) -> bytes:
    payload, key = text.encode(), os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    n = len(payload)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
    return head + key + masked


async def _open(port: int, token: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A signed-in socket whose kernel receive buffer is small (so the server's sends soon block)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET /ws/play/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    writer.write(_frame(json.dumps({"type": "auth", "id": "a", "token": token})))
    assert json.loads(await _read_frame(reader))["ok"] is True
    return reader, writer


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readexactly(2)
    n = head[1] & 0x7F
    if n == 126:
        n = int.from_bytes(await reader.readexactly(2), "big")
    elif n == 127:
        n = int.from_bytes(await reader.readexactly(8), "big")
    return await reader.readexactly(n)


async def _read_pushes(reader: asyncio.StreamReader, count: int) -> list[int]:
    """A client that reads: the `n` of every flood push until `count` came."""
    got: list[int] = []
    while len(got) < count:
        frame = json.loads(await asyncio.wait_for(_read_frame(reader), timeout=20))
        got += [m["n"] for m in frame.get("messages", []) if m.get("type") == "flood"]
    return got


async def _dropped_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    """Still without reading, wait `seconds`; then read what the kernel holds: True if the connection has ended
    (reset or EOF). A server still waiting for this client would now send more and more, never ending it."""
    await asyncio.sleep(seconds)
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        try:
            chunk = await asyncio.wait_for(reader.read(65536), timeout=0.5)
        except TimeoutError:
            continue
        except ConnectionError:
            return True
        if not chunk:
            return True
    return False


def _server_env(**extra: str) -> dict[str, str]:
    raised = str(10**6)
    return {
        "REDIS_URL": django_settings.REDIS_URL,
        "REDIS_KEY_PREFIX": django_settings.REDIS_KEY_PREFIX,
        "WS_RATE_SOCKET_BURST": raised,
        "WS_RATE_SOCKET_PER_SECOND": raised,
        "WS_RATE_PLAYER_BURST": raised,
        "WS_RATE_PLAYER_PER_SECOND": raised,
        **extra,
    }


def test_a_client_that_stops_reading_replies_is_dropped_after_the_stall_limit():
    port = _free_port()
    env = _server_env(WS_SEND_STALL_SECONDS="1", WS_HEARTBEAT_SECONDS="0.5")
    with running_server([*UVICORN, "--port", str(port)], port, **env):
        _, stalled = _post(port, "/api/auth/device", {"device_id": "slow-reader"})
        _, healthy = _post(port, "/api/auth/device", {"device_id": "fast-reader"})

        async def play() -> tuple[bool, bool]:
            reader, writer = await _open(port, stalled["token"])
            request = _frame(json.dumps({"type": "get_state", "id": "s"}))
            writer.write(request * 3000)  # megabytes of replies it will not read
            other_reader, other_writer = await _open(port, healthy["token"])
            await asyncio.sleep(0.5)
            other_writer.write(_frame(json.dumps({"type": "ping", "id": "p"})))
            head = await asyncio.wait_for(other_reader.readexactly(2), timeout=5)  # not held up by the other
            dropped = await _dropped_within(reader, 4)
            return dropped, head[0] == 0x81

        dropped, other_answered = asyncio.run(play())
    assert other_answered
    assert dropped


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="pushes from this process need the Redis channel layer")
def test_pushes_piling_up_for_a_client_that_does_not_read_drop_it_and_its_events_are_kept():
    from core.pushes import push_many

    port = _free_port()
    env = _server_env(WS_OUTBOX_LIMIT="50", WS_SEND_STALL_SECONDS="600")
    with running_server([*UVICORN, "--port", str(port)], port, **env):
        _, signed = _post(port, "/api/auth/device", {"device_id": "slow-pushes"})
        _, reading = _post(port, "/api/auth/device", {"device_id": "reads-its-pushes"})
        player_id = signed["player_id"]
        flood = [
            (pid, {"type": "flood", "n": n, "text": "x" * 2000})
            for n in range(3000)
            for pid in (player_id, reading["player_id"])
        ]

        async def play() -> tuple[bool, list[int]]:
            # the writers are kept: a StreamWriter collected as garbage closes its connection
            reader, writer = await _open(port, signed["token"])
            other, other_writer = await _open(port, reading["token"])
            readers = asyncio.ensure_future(_read_pushes(other, 3000))
            for start in range(0, len(flood), 40):  # many small layer messages, as transactions send them
                await asyncio.to_thread(push_many, flood[start : start + 40])
            got = await readers
            dropped = await _dropped_within(reader, 4)  # the offline rows below show it was the server
            writer.close()
            other_writer.close()
            return dropped, got

        dropped, got = asyncio.run(play())
        assert dropped
        assert got == list(range(3000))  # a client that reads gets every push, in order, and stays
    kept = list(OfflineEvent.objects.filter(player_id=player_id).values_list("push", flat=True))
    assert kept, "the pushes it never got wait for its next sign-in"
    assert all(p["type"] == "flood" for p in kept)
    numbers = [p["n"] for p in kept]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))

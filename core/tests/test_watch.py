"""The process's heartbeat over its sockets (core/ws/watch.py)."""

import asyncio
from time import monotonic

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings

from core import connections
from core import redis as shared_redis
from core.ws import watch as watch_module
from core.ws.watch import SocketWatch

pytestmark = pytest.mark.asyncio


class _Socket:
    closed = False
    ended = False
    ctx = None
    groups: list[str] = []
    joined_at = 0.0

    def __init__(self, stalled: float = 0.0) -> None:
        self.stalled = stalled
        self.dropped: list[str] = []
        self.rejoined = 0

    async def rejoin_groups(self) -> None:
        self.rejoined += 1
        self.joined_at = monotonic()

    def stalled_for(self, now: float) -> float:
        return self.stalled

    def drop(self, why: str) -> None:
        self.dropped.append(why)
        self.closed = True


async def test_a_socket_stalled_past_the_limit_is_dropped_and_others_are_not(settings):
    settings.WS_HEARTBEAT_SECONDS = 3600
    settings.WS_SEND_STALL_SECONDS = 30
    watch = SocketWatch()
    stuck, reading = _Socket(stalled=31), _Socket(stalled=29)
    watch.sockets.add(stuck)
    watch.sockets.add(reading)
    await watch.beat()
    assert stuck.dropped == ["stalled"] and reading.dropped == []


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="the published count lives in Redis")
async def test_the_last_socket_closing_publishes_the_count_at_once(settings, monkeypatch):
    settings.WS_HEARTBEAT_SECONDS = 0.05
    monkeypatch.setattr(connections, "_open", 0)  # this process's sockets of other tests are not this test's
    client = shared_redis.client()
    key = shared_redis.key("ws", "connections")
    socket = _Socket()
    watch = SocketWatch()
    connections.opened()
    await sync_to_async(connections.heartbeat)()
    assert int(client.hget(key, shared_redis.PROCESS).decode().split(":")[0]) >= 1
    watch.add(socket)
    connections.closed()  # within 5 s of the last publish: not published by itself
    watch.discard(socket)
    await asyncio.sleep(0.3)
    assert watch.task is None
    assert client.hget(key, shared_redis.PROCESS).decode().split(":")[0] == "0"


async def test_sockets_join_their_groups_again_well_before_the_layers_group_expiry(settings, monkeypatch):
    settings.WS_HEARTBEAT_SECONDS = 3600
    watch = SocketWatch()
    old, fresh, unsigned = _Socket(), _Socket(), _Socket()
    for socket, signed in ((old, True), (fresh, True), (unsigned, False)):
        socket.ctx = object() if signed else None
        socket.groups = ["player.1"]
        watch.sockets.add(socket)
    old.joined_at = monotonic() - watch_module.GROUP_REFRESH_SECONDS - 1
    fresh.joined_at = monotonic()
    watch_module_session = type("S", (), {"ended_sessions": lambda self, sessions: set()})()
    for socket in (old, fresh):
        socket.ctx = type("Ctx", (), {"player_id": 1, "token_id": None})()
        socket.session = watch_module_session
    monkeypatch.setattr(watch_module.shared_redis, "client", lambda: None)  # no Redis restart to re-join after
    await watch.beat()
    assert (old.rejoined, fresh.rejoined, unsigned.rejoined) == (1, 0, 0)
    await watch.beat()
    assert old.rejoined == 1  # joined again just now: not again at the next beat

"""A Redis restarted or down under a running server (issue 7, 3.1 and 3.2).

The test starts its own Redis on a spare port and a real server process (uvicorn, as `make run`)
using it, then restarts or stops that Redis under the server's open sockets.
"""

import asyncio
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import redis
import websockets
from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from baolife.settings.integrations import channel_layers
from core.pushes import player_group
from game.tests.test_server_process import _free_port, running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
CREDENTIALS = {"email": "outage@example.com", "password": "a-strong-pass-9"}


class OwnRedis:
    def __init__(self) -> None:
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("own redis did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def own_redis():
    if not os.path.exists(REDIS_SERVER):
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server_on(own_redis):
    port = _free_port()
    prefix = f"outage{os.getpid()}"
    args = [
        "uvicorn",
        "baolife.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ws",
        "websockets-sansio",
        "--lifespan",
        "on",
        "--no-access-log",
    ]
    with running_server(args, port, REDIS_URL=own_redis.url, REDIS_KEY_PREFIX=prefix, WS_HEARTBEAT_SECONDS="1"):
        yield port, prefix


def _post(port: int, path: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}"), _lower(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), _lower(error.headers)


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


async def _recv_json(ws, timeout: float = 5) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout))


def test_after_a_redis_restart_sockets_get_pushes_and_are_closed_by_bans(server_on, own_redis):
    port, prefix = server_on
    status, signed, _ = _post(port, "/api/auth/device", {"device_id": "outage-device-1"})
    assert status == 200
    config = channel_layers(own_redis.url, prefix, django_settings.CHANNEL_LAYER)["default"]
    layer = import_string(config["BACKEND"])(**config["CONFIG"])  # the layer the server runs on

    async def play() -> tuple[list[str], int | None]:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/play/") as ws:
            await ws.send(json.dumps({"type": "auth", "id": "a", "token": signed["token"]}))
            assert (await _recv_json(ws))["ok"]
            await asyncio.to_thread(own_redis.stop)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(own_redis.start)  # empty: every group is forgotten
            seen: list[str] = []
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and "after restart" not in seen:
                push = {"type": "messageEvent", "kind": "test", "text": "after restart"}
                await layer.group_send(player_group(signed["player_id"]), {"type": "push", "push": push})
                try:
                    while True:
                        frame = await _recv_json(ws, timeout=1)
                        seen += [m.get("text") for m in frame.get("messages", [])]
                except TimeoutError:
                    pass
            # a ban's close push reaches the socket again (the server's heartbeat would also find it)
            await layer.group_send(player_group(signed["player_id"]), {"type": "close", "code": 4003})
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), timeout=5)
            except websockets.ConnectionClosed as closed:
                return seen, closed.rcvd.code if closed.rcvd else None
            except TimeoutError:
                return seen, None

    seen, code = asyncio.run(play())
    assert "after restart" in seen
    assert code == 4003


def test_while_redis_is_down_answers_are_unavailable_and_retryable(server_on, own_redis):
    port, _ = server_on
    status, signed, _ = _post(port, "/api/auth/register", CREDENTIALS)
    assert status == 201
    own_redis.stop()

    status, body, headers = _post(port, "/api/auth/login", CREDENTIALS)
    assert status == 503 and body["error"]["code"] == "unavailable"
    assert int(headers["retry-after"]) > 0

    async def play() -> tuple[dict, dict, dict]:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/play/") as ws:
            await ws.send(json.dumps({"type": "auth", "id": "a", "token": signed["token"]}))
            down = await _recv_json(ws, timeout=15)
            await ws.send(json.dumps({"type": "ping", "id": "p"}))
            still_open = await _recv_json(ws)
            await asyncio.to_thread(own_redis.start)
            await ws.send(json.dumps({"type": "auth", "id": "b", "token": signed["token"]}))
            back = await _recv_json(ws, timeout=15)
            return down, still_open, back

    down, still_open, back = asyncio.run(play())
    assert down["ok"] is False and down["error"]["code"] == "unavailable" and down["error"]["retry_after"] > 0
    assert still_open["error"]["code"] == "unauthenticated"  # the socket stayed
    assert back["ok"] is True and back["data"]["player"]["player_id"] == signed["player_id"]
    status, _, _ = _post(port, "/api/auth/login", CREDENTIALS)
    assert status == 200

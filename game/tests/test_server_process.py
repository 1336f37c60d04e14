"""The whole server as a real process (daphne), played over a real socket with `websockets`."""

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"


@contextlib.contextmanager
def running_server(args: list[str], port: int, **env: str) -> Iterator[subprocess.Popen]:
    """A server process (`python -m <args>`) on the test database, until its /health/live answers."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "baolife.settings.test", "DATABASE_URL": _database_url(), **env}
    proc = subprocess.Popen(
        [sys.executable, "-m", *args], cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not start: " + proc.stderr.read().decode()[-2000:])
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def server():
    port = _free_port()
    args = ["daphne", "-b", "127.0.0.1", "-p", str(port), "baolife.asgi:application"]
    with running_server(
        args, port, REDIS_URL=django_settings.REDIS_URL, REDIS_KEY_PREFIX=django_settings.REDIS_KEY_PREFIX
    ):
        yield port


def _post(port: int, path: str, body: dict | None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        raw = response.read()
        return response.status, json.loads(raw) if raw else {}


def test_play_over_a_real_socket(server):
    status, signed = _post(server, "/api/auth/device", {"device_id": "real-socket-device"})
    assert status == 200

    async def play() -> int | None:
        async with websockets.connect(f"ws://127.0.0.1:{server}/ws/play/") as ws:
            await ws.send(json.dumps({"type": "ping", "id": "early"}))
            assert json.loads(await ws.recv())["error"]["code"] == "unauthenticated"
            await ws.send(json.dumps({"type": "auth", "id": "a", "token": signed["token"]}))
            reply = json.loads(await ws.recv())
            assert reply["ok"] and reply["data"]["player"]["player_id"] == signed["player_id"]
            await ws.send("{broken")
            assert json.loads(await ws.recv())["error"]["code"] == "bad_request"
            for i in range(5):
                await ws.send(json.dumps({"type": "ping", "id": f"p{i}"}))
            ids = [json.loads(await ws.recv())["id"] for _ in range(5)]
            assert ids == [f"p{i}" for i in range(5)]
            # logging out closes this socket with 4003 within 5 seconds
            await asyncio.to_thread(_post, server, "/api/auth/logout", None, signed["token"])
            try:
                await asyncio.wait_for(ws.recv(), timeout=5)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
            return None

    assert asyncio.run(play()) == 4003


def test_oversize_frame_over_transport_limit_closes_connection(server):
    _, signed = _post(server, "/api/auth/device", {"device_id": "real-socket-device-2"})

    async def play() -> str:
        async with websockets.connect(f"ws://127.0.0.1:{server}/ws/play/", max_size=None) as ws:
            await ws.send(json.dumps({"type": "auth", "id": "a", "token": signed["token"]}))
            await ws.recv()
            await ws.send(json.dumps({"type": "ping", "id": "big", "pad": "x" * 70_000}))
            return json.loads(await ws.recv())["error"]["fields"][0]

    assert asyncio.run(play()) == "frame"


def test_unauthenticated_socket_closed_4001(server, monkeypatch):
    async def idle() -> int | None:
        async with websockets.connect(f"ws://127.0.0.1:{server}/ws/play/", open_timeout=5) as ws:
            try:
                await asyncio.wait_for(ws.recv(), timeout=15)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
            return None

    assert asyncio.run(idle()) == 4001


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL: one process's ban reaches another's socket")
def test_ban_in_this_process_closes_socket_on_server_process(server):
    from accounts.services import bans

    _, signed = _post(server, "/api/auth/device", {"device_id": "real-socket-device-3"})

    async def play() -> tuple[int | None, float]:
        async with websockets.connect(f"ws://127.0.0.1:{server}/ws/play/") as ws:
            await ws.send(json.dumps({"type": "auth", "id": "a", "token": signed["token"]}))
            await ws.recv()
            started = time.monotonic()
            await asyncio.to_thread(bans.ban, player_id=signed["player_id"], reason="test")
            try:
                await asyncio.wait_for(ws.recv(), timeout=5)
            except websockets.ConnectionClosed as closed:
                return (closed.rcvd.code if closed.rcvd else None), time.monotonic() - started
            return None, 0.0

    code, seconds = asyncio.run(play())
    assert code == 4003 and seconds < 5

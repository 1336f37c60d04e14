"""What a stop loses: a graceful stop nothing, a crash (`kill -9`) at most the last flush interval — in a
plain process and in the real server (uvicorn, as `make run` starts it) stopped with SIGTERM."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import websockets
from django.conf import settings as django_settings

from analytics.models import Event, Session
from game.tests.test_server_process import _database_url, _free_port, running_server

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _recorder(first: int, second: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baolife.settings.test",
        "DATABASE_URL": _database_url(),
        "ANALYTICS_FLUSH_SECONDS": "0.5",
        "ANALYTICS_FLUSH_EVENTS": "100000",  # only the clock flushes: the test knows when
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "analytics.tests.recorder", str(first), str(second)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline().strip() == b"ready", proc.stderr.read().decode()[-2000:]
    return proc


def _steps() -> list[str]:
    return sorted(Event.objects.values_list("properties__step", flat=True))


def test_a_clean_exit_writes_everything() -> None:
    proc = _recorder(30, 40)
    proc.stdin.close()  # the process ends normally: atexit flushes what waits
    assert proc.wait(timeout=30) == 0, proc.stderr.read().decode()[-2000:]
    assert len(_steps()) == 70


def test_a_crash_loses_at_most_the_last_flush_interval() -> None:
    proc = _recorder(30, 40)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    steps = _steps()
    assert steps == sorted(f"first-{i}" for i in range(30))  # written by the flush thread before the crash
    # lost: the 40 recorded during the last interval (under 0.5 s before the kill) — and nothing else


def test_the_real_server_stopped_with_sigterm_loses_nothing(make_player) -> None:
    player, token = make_player()
    port = _free_port()
    args = ["uvicorn", "baolife.asgi:application", "--host", "127.0.0.1", "--port", str(port), "--lifespan", "on"]
    env = {
        "REDIS_URL": django_settings.REDIS_URL,
        "REDIS_KEY_PREFIX": django_settings.REDIS_KEY_PREFIX,
        "ANALYTICS_FLUSH_SECONDS": "3600",  # nothing written before the stop: the stop must write it all
    }
    with running_server(args, port, **env) as proc:

        async def play() -> None:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/play/", user_agent_header="okhttp/4.12") as ws:
                await ws.send(json.dumps({"type": "auth", "id": "a", "token": token}))
                assert json.loads(await ws.recv())["ok"]
                for step in ("meet_your_character", "check_achievements"):
                    await ws.send(json.dumps({"type": "tutorial_step", "id": step, "step": step}))
                    reply = json.loads(await ws.recv())
                    while reply.get("type") == "batch":
                        reply = json.loads(await ws.recv())
                    assert reply["ok"], reply
                proc.send_signal(signal.SIGTERM)  # stopped while the player is still connected
                with pytest.raises(websockets.ConnectionClosed):
                    while True:
                        await asyncio.wait_for(ws.recv(), timeout=10)

        asyncio.run(play())
        proc.wait(timeout=20)  # uvicorn re-raises the SIGTERM once it has shut down: -15
    names = sorted(Event.objects.filter(player_id=player.pk).values_list("name", flat=True))
    assert names == ["sign_in", "tutorial_step", "tutorial_step"]
    session = Session.objects.get(player_id=player.pk)
    assert session.platform == "android" and session.ended_by == "disconnect" and session.event_count == 3

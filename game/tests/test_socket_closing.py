"""Logout, ban and cross-process pushes reach open sockets (PROTOCOL.md: close 4003)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings

from accounts.services import bans, signup, tokens
from game.tests.wsclient import signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ROOT = Path(__file__).resolve().parents[2]


async def in_another_process(code: str) -> None:
    """Run `code` in a fresh Django process on the same Redis (as a Celery worker would)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baolife.settings.test",
        "REDIS_KEY_PREFIX": django_settings.REDIS_KEY_PREFIX,
    }
    script = f"import django; django.setup(); {code}"
    await sync_to_async(subprocess.run)([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)


async def test_logout_closes_sockets_of_that_token_only(asgi_app, make_player):
    _, token = await sync_to_async(make_player)("device-close-1")
    other_token = (await sync_to_async(signup.sign_in_device)(device_id="device-close-1")).token
    closing = await signed_in(asgi_app, token)
    staying = await signed_in(asgi_app, other_token)
    await sync_to_async(tokens.logout)(token=token)
    assert await closing.comm.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4003,
        "reason": "Signed out.",
    }
    assert (await staying.request("ping"))["ok"]
    await staying.close()


async def test_ban_closes_every_socket_of_the_player(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    a = await signed_in(asgi_app, token)
    b = await signed_in(asgi_app, token)
    await sync_to_async(bans.ban)(player_id=player.pk, reason="test")
    for client in (a, b):
        assert await client.comm.receive_output(timeout=5) == {
            "type": "websocket.close",
            "code": 4003,
            "reason": "This account is banned.",
        }


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
async def test_push_from_another_process_reaches_socket(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    await in_another_process(
        f"from core.pushes import push_to_player; push_to_player({player.pk}, {{'type': 'u', 'diamonds': 77}})"
    )
    frame = json.loads(await client.comm.receive_from(timeout=5))
    assert frame == {"type": "batch", "messages": [{"type": "u", "diamonds": 77}]}
    await client.close()


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
async def test_ban_from_another_process_closes_socket(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    await in_another_process(f"from core.pushes import close_player_sockets; close_player_sockets({player.pk})")
    assert await client.comm.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4003,
        "reason": "This sign-in has ended.",
    }


async def test_pushes_survive_a_channel_layer_failure(asgi_app, make_player, settings):
    from core.pushes import push_to_player
    from game.tests.flaky_layer import FlakyOnceLayer

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "game.tests.flaky_layer.FlakyOnceLayer"}}
    FlakyOnceLayer.failed = 0
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    await sync_to_async(push_to_player)(player.pk, {"type": "u", "diamonds": 3})
    frame = json.loads(await client.comm.receive_from(timeout=5))
    assert FlakyOnceLayer.failed == 1
    assert frame == {"type": "batch", "messages": [{"type": "u", "diamonds": 3}]}
    await client.close()

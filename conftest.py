"""Shared fixtures: players with tokens, the ASGI app, a clean cache and rate-limit state."""

import os

import pytest
from django.core.cache import cache

from core import counters, health, presence
from core import redis as shared_redis
from core.ratelimit import shared_buckets


@pytest.fixture(autouse=True)
def _clean_shared_state(settings):
    from analytics.services import buffer, experiments, sessions

    buffer.discard()  # events and sessions of this process are the test's own
    sessions.forget()
    experiments.forget_cache()
    shared_buckets.reset()
    presence.reset()
    counters.reset()
    health.cached.clear()
    if settings.REDIS_URL:  # only this run's keys: cache.clear() would FLUSHDB other runs' state too
        client = shared_redis.client()
        for key in client.scan_iter(f"{settings.REDIS_KEY_PREFIX}:*"):
            client.delete(key)
    else:
        cache.clear()
    yield
    buffer.discard()  # nothing a test recorded may be written by the exit flush: into the developer's own database


@pytest.fixture
def make_player(db):
    """make_player(device_id=None) -> (player, token): a guest player (accounts/tests/factories.py)."""
    from accounts.tests.factories import player_with_token

    def make(device_id: str | None = None):
        return player_with_token(**({"device_id": device_id} if device_id else {}))

    return make


@pytest.fixture
def grown(make_player):
    """grown(age=12, money=1000) -> player: a life of that age (as if played), with that much money."""
    from game.models import Character
    from game.tests.test_life import grow_up

    def make(age: int = 12, money: int = 1000):
        player, _ = make_player()
        grow_up(player.pk, age)
        character = Character.objects.get(current_of_id=player.pk)
        character.state = {**character.state, "money": money, "energy": 100, "busy_until": 0}
        character.save(update_fields=["state"])
        return player

    return make


@pytest.fixture
def asgi_app():
    from baolife.asgi import application

    return application


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """A new layer per test: in-memory queues must not outlive their event loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def pytest_sessionfinish(session, exitstatus):
    """A run's own metrics and performance directories go with it (their names carry this run's pid)."""
    import shutil

    from django.conf import settings

    from core import metrics

    if str(os.getpid()) in str(metrics.DIRECTORY):
        shutil.rmtree(metrics.DIRECTORY, ignore_errors=True)
    if str(os.getpid()) in str(settings.PERF_REPORT_DIR):
        shutil.rmtree(settings.PERF_REPORT_DIR, ignore_errors=True)

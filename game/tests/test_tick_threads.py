"""The tick spread over threads (GAME_TICK_THREADS, MySQL/MariaDB): every life advanced once, the pushes of
each chunk out at its commit, a failing chunk raised; SQLite and a caller's transaction stay on one thread."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from game.models import Character
from game.services import live, tick

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lives(make_player, monkeypatch, settings):
    settings.GAME_TICK_THREADS = 2
    monkeypatch.setattr(tick, "CHUNK", 4)  # 13 lives: 4 chunks over the threads
    players = [make_player()[0] for _ in range(13)]
    for player in players:
        live.arrive(player.pk)
    return players


def test_every_life_is_advanced_once_over_the_threads(lives, monkeypatch):
    threads_used: set[str] = set()
    real = tick._tick_chunk

    def watched(*args, **kwargs):
        threads_used.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(tick, "_tick_chunk", watched)
    clocks = dict(Character.objects.values_list("player_id", "game_clock"))
    report = tick.run_tick(now=timezone.now() + timedelta(seconds=30))
    assert report.considered == 13 and report.advanced == 13
    after = dict(Character.objects.values_list("player_id", "game_clock"))
    assert all(after[p.pk] > clocks[p.pk] for p in lives)
    if connection.vendor == "mysql" and django_settings.REDIS_URL:
        assert threads_used and threads_used <= {"tick-0", "tick-1"}
    else:
        assert threads_used == {"MainThread"}  # SQLite (one writer) or no Redis: one thread


def test_a_failing_chunk_is_raised_and_the_others_commit(lives, monkeypatch):
    real = tick.push_many
    calls: list[list[int]] = []

    def failing(pushes):  # inside the chunk's transaction, after its lives were written
        calls.append(sorted({player_id for player_id, _ in pushes}))
        if len(calls) == 2:
            raise RuntimeError("chunk failed")
        return real(pushes)

    monkeypatch.setattr(tick, "push_many", failing)
    before = dict(Character.objects.values_list("player_id", "game_clock"))
    with pytest.raises(RuntimeError, match="chunk failed"):
        tick.run_tick(now=timezone.now() + timedelta(seconds=30))
    after = dict(Character.objects.values_list("player_id", "game_clock"))
    moved = {pid for pid, clock in after.items() if clock > before[pid]}
    assert calls[1] and not moved & set(calls[1])  # the failed chunk's writes rolled back
    assert set(calls[0]) <= moved  # the chunk before it committed


def test_inside_a_transaction_the_tick_stays_on_the_callers_connection(lives):
    with transaction.atomic():
        assert tick.tick_threads() == 1
        report = tick.run_tick(now=timezone.now() + timedelta(seconds=30))
    assert report.advanced == 13

"""The tick spread over threads (GAME_TICK_THREADS, MySQL/MariaDB): every life advanced once, the pushes of
each chunk out at its commit, a failing chunk raised; SQLite and a caller's transaction stay on one thread."""

import threading
from datetime import timedelta

import pytest
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
    if connection.vendor == "mysql":
        assert threads_used <= {"tick-0", "tick-1"} and len(threads_used) == 2
    else:
        assert threads_used == {"MainThread"}  # SQLite: one writer, one thread


def test_a_failing_chunk_is_raised_and_the_others_commit(lives, monkeypatch):
    real = tick._tick_chunk
    calls = []

    def failing(chunk, *args, **kwargs):
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("chunk failed")
        return real(chunk, *args, **kwargs)

    monkeypatch.setattr(tick, "_tick_chunk", failing)
    clocks = dict(Character.objects.values_list("id", "game_clock"))
    with pytest.raises(RuntimeError, match="chunk failed"):
        tick.run_tick(now=timezone.now() + timedelta(seconds=30))
    moved = {pk for pk, clock in Character.objects.values_list("id", "game_clock") if clock > clocks[pk]}
    failed = set(calls[1])
    assert not moved & failed  # the failed chunk's transaction rolled back
    assert moved  # the chunks before it (or beside it) committed


def test_inside_a_transaction_the_tick_stays_on_the_callers_connection(lives):
    with transaction.atomic():
        assert tick.tick_threads() == 1
        report = tick.run_tick(now=timezone.now() + timedelta(seconds=30))
    assert report.advanced == 13

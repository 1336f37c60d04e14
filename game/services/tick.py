"""The periodic game tick: advance every life in play, save, and tell the players.

Its cost follows the lives in play (an index on (alive, active_until)), not the table's size. Lives go in
chunks of CHUNK, each its own transaction whose pushes leave at its commit; on MySQL the chunks are spread
over GAME_TICK_THREADS threads (docs/performance.md, "Pushes at scale").
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import db
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import metrics, presence
from core.pushes import push_many
from game import engine, hooks
from game.engine.timeline import first_step_after
from game.models import Character
from game.services import clock, life, offline
from game.services import content as content_service

CHUNK = 200


@dataclass
class TickReport:
    considered: int = 0
    advanced: int = 0
    skipped_locked: int = 0


def lives_in_play(now: datetime) -> list[int]:
    """Ids of living characters whose clocks still run (or stopped since the last few ticks)."""
    grace = timedelta(seconds=max(60.0, settings.GAME_TICK_SECONDS * 6))
    return list(
        Character.objects.filter(alive=True, active_until__gte=now - grace).order_by("id").values_list("id", flat=True)
    )


def run_tick(*, now: datetime | None = None) -> TickReport:
    """Advance every life in play; its duration goes to the tick histogram (core.metrics), failed or not."""
    started = time.perf_counter()
    try:
        return _tick(now or timezone.now())
    finally:
        metrics.tick_seconds(time.perf_counter() - started)


def _tick(now: datetime) -> TickReport:
    report = TickReport()
    ids = lives_in_play(now)
    report.considered = len(ids)
    content = content_service.current()
    chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    threads = min(tick_threads(), len(chunks))
    if threads <= 1:
        for chunk in chunks:
            _tick_chunk(chunk, now, content, report)
        return report
    _in_threads(chunks, threads, now, content, report)
    return report


def tick_threads() -> int:
    """Threads a tick spreads its chunks over (GAME_TICK_THREADS): while one waits on the database another
    computes. SQLite takes one writer at a time, so the embedded default ticks on one thread; a tick called
    inside a transaction stays on its connection (other connections would not see what it has not committed);
    without Redis the channel layer lives in the server's event loop, which other threads must not touch."""
    connection = transaction.get_connection()
    if connection.vendor == "sqlite" or connection.in_atomic_block or not settings.REDIS_URL:
        return 1
    return max(1, settings.GAME_TICK_THREADS)


def _in_threads(chunks: list[list[int]], threads: int, now: datetime, content: Any, report: TickReport) -> None:
    """Each thread takes the next chunk until none is left, on its own database connection (closed when it is
    done). A chunk that fails stops the others taking more; the first failure is raised once all have stopped."""
    pending = iter(chunks)
    lock = threading.Lock()
    failures: list[BaseException] = []
    reports = [TickReport() for _ in range(threads)]

    def work(own: TickReport) -> None:
        try:
            while not failures:
                with lock:
                    chunk = next(pending, None)
                if chunk is None:
                    return
                _tick_chunk(chunk, now, content, own)
        except BaseException as exc:
            failures.append(exc)
        finally:
            db.connections.close_all()

    workers = [threading.Thread(target=work, args=(own,), name=f"tick-{n}") for n, own in enumerate(reports)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for own in reports:
        report.advanced += own.advanced
        report.skipped_locked += own.skipped_locked
    if failures:
        raise failures[0]


def _tick_chunk(chunk: list[int], now: datetime, content: Any, report: TickReport) -> None:
    """Advance one chunk of lives in one transaction; its pushes leave when it commits."""
    with transaction.atomic():
        rows = list(Character.objects.select_for_update(skip_locked=True).filter(id__in=chunk))
        report.skipped_locked += len(chunk) - len(rows)
        online = presence.online_among([c.player_id for c in rows])
        advanced = []
        for character in rows:
            target = clock.game_time_at(character, now)
            if target < first_step_after(character.game_clock):
                continue  # no step boundary crossed: nothing would change
            before = character.state
            state, events = life.catch_up(character, engine.LifeState.from_dict(before), now, content)
            if not events and state.clock == character.game_clock:
                continue  # held by a decision the player has not answered yet: nothing to write
            life.apply_state(character, state)
            advanced.append((character, before, [ev.to_dict() for ev in events]))
        if advanced:
            life.save_many([c for c, _, _ in advanced], now)
            outbox: list = []
            kept: list = []
            people: list = []
            told = hooks.dispatch_many([(c, e) for c, _, e in advanced])  # each hook once for the chunk
            for (character, before, event_dicts), notices in zip(advanced, told, strict=True):
                life.after_side_effects(
                    character=character,
                    before=before,
                    event_dicts=event_dicts,
                    now=now,
                    online=character.player_id in online,
                    outbox=outbox,
                    offline_outbox=kept,
                    people_outbox=people,
                    notices=notices,
                )
            life.sync_people_many(people)
            push_many(outbox)
            offline.enqueue_many(kept)
        report.advanced += len(advanced)

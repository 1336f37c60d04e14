"""The per-process buffer of analytics events: recording never waits on the database.

`add` appends to memory; a daemon thread writes what waits in one batch every ANALYTICS_FLUSH_SECONDS,
or at once when ANALYTICS_FLUSH_EVENTS are waiting. A graceful stop (the server's lifespan shutdown, a
Celery worker's shutdown, `atexit`) flushes everything; a crash (`kill -9`) loses at most what was recorded
during the last flush interval of that process. Per process, not shared through Redis: a Redis trip per
event would cost the player's request more than the event is worth (docs/analytics.md).

Each event carries its own id (`uid`), so a batch written twice (a flush that failed after the commit
and was tried again) is kept once. If the database is down, the batch goes back to the front of the
buffer and waits for the next flush; beyond ANALYTICS_BUFFER_MAX the oldest are dropped (and counted).
"""

import atexit
import logging
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Case, DateTimeField, F, IntegerField, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Player
from analytics.models import Event, Session
from analytics.services import sessions
from core import metrics
from core.scheduler import at_shutdown

logger = logging.getLogger("baolife.analytics")


@dataclass(frozen=True)
class Pending:
    name: str
    player_id: int | None
    session_id: int | None
    properties: dict[str, Any]
    at: datetime
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)


_lock = threading.Lock()
_flush_lock = threading.Lock()  # one flush at a time in a process (the thread, a test, the shutdown)
_waiting: deque[Pending] = deque()
_wake = threading.Event()
_thread: threading.Thread | None = None
_dropped = 0


def add(event: Pending) -> None:
    """Keep `event` for the next batch (a lock and an append: nothing else on the player's path)."""
    global _dropped
    with _lock:
        _waiting.append(event)
        depth = len(_waiting)
        if depth > settings.ANALYTICS_BUFFER_MAX:
            _waiting.popleft()
            _dropped += 1
            depth -= 1
            metrics.analytics_dropped(1)
    if _thread is None and settings.ANALYTICS_FLUSH_SECONDS > 0:
        _start()
    if depth >= settings.ANALYTICS_FLUSH_EVENTS:
        _wake.set()


def depth() -> int:
    return len(_waiting)


def dropped() -> int:
    return _dropped


def _take(limit: int) -> list[Pending]:
    with _lock:
        batch = [_waiting.popleft() for _ in range(min(limit, len(_waiting)))]
    return batch


def _give_back(batch: list[Pending]) -> None:
    with _lock:
        _waiting.extendleft(reversed(batch))


def flush(limit: int | None = None) -> int:
    """Write what waits (in batches of 1,000); return how many were written. Raises if the database fails
    (the batch is back in the buffer)."""
    written = 0
    with _flush_lock:
        while _waiting and (limit is None or written < limit):
            batch = _take(1000)
            try:
                _write(batch)
            except BaseException:
                _give_back(batch)
                raise
            written += len(batch)
    metrics.analytics_buffer_depth(len(_waiting))
    return written


def _standing(player_ids: set[int]) -> set[int]:
    """Of the batch's players, those whose events may still be written: an erased account, or one being erased,
    gets none (a late flush would bring its id back after the erasure: docs/privacy.md)."""
    if not player_ids:
        return set()
    return set(
        Player.objects.filter(pk__in=player_ids)
        .exclude(permanent_deletion_at__lte=timezone.now())
        .values_list("pk", flat=True)
    )


def _write(batch: list[Pending]) -> None:
    standing = _standing({event.player_id for event in batch if event.player_id is not None})
    batch = [event for event in batch if event.player_id is None or event.player_id in standing]
    per_session: Counter[int] = Counter()
    last_at: dict[int, datetime] = {}
    for event in batch:
        if event.session_id is not None:
            per_session[event.session_id] += 1
            last_at[event.session_id] = max(event.at, last_at.get(event.session_id, event.at))
    with transaction.atomic():
        Event.objects.bulk_create(
            [
                Event(
                    uid=event.uid,
                    player_id=event.player_id,
                    session_id=event.session_id,
                    name=event.name,
                    properties=event.properties,
                    at=event.at,
                )
                for event in batch
            ],
            ignore_conflicts=True,
        )
        if per_session:  # one UPDATE for every session of the batch, not one each: a flush runs in the server
            Session.objects.filter(pk__in=list(per_session)).update(
                event_count=F("event_count")
                + Case(*(When(pk=sid, then=Value(n)) for sid, n in per_session.items()), output_field=IntegerField()),
                last_seen_at=Greatest(
                    F("last_seen_at"),
                    Case(*(When(pk=sid, then=Value(at)) for sid, at in last_at.items()), output_field=DateTimeField()),
                ),
            )


def discard() -> None:
    """Forget what waits (tests)."""
    global _dropped
    with _lock:
        _waiting.clear()
        _dropped = 0


def _start() -> None:
    global _thread
    with _lock:
        if _thread is not None:
            return
        _thread = threading.Thread(target=_run, name="analytics-flush", daemon=True)
        _thread.start()


def _run() -> None:
    """The flush thread: every interval (or sooner when woken), write what waits; a failure waits for the
    next round (the database restarting must not end the thread)."""
    while True:
        _wake.wait(settings.ANALYTICS_FLUSH_SECONDS)
        _wake.clear()
        close_old_connections()
        metrics.analytics_buffer_depth(len(_waiting))  # what built up during the interval
        try:
            if _waiting:
                flush()
        except Exception as exc:
            logger.warning("analytics flush failed (%s); %d events wait for the next", type(exc).__name__, depth())
            time.sleep(min(5.0, settings.ANALYTICS_FLUSH_SECONDS))
        try:  # on its own: a flush that fails must not let the timeout end sessions still connected
            sessions.mark_alive()
        except Exception as exc:
            logger.warning("analytics sessions not marked alive (%s)", type(exc).__name__)
        finally:
            close_old_connections()


def flush_at_exit() -> None:
    """A graceful stop: write everything (called from the lifespan shutdown, the worker's shutdown and
    `atexit`; a second call finds nothing)."""
    if not _waiting:
        return
    try:
        flush()
    except Exception as exc:
        logger.error("analytics: %d events lost at shutdown (%s)", depth(), type(exc).__name__)


atexit.register(flush_at_exit)
at_shutdown(flush_at_exit)  # the server's graceful stop (it ends by re-raising SIGTERM: no atexit)
# a Celery pool process ends with os._exit (no atexit): its shutdown signal flushes instead
worker_process_shutdown.connect(lambda **_: flush_at_exit(), weak=False)
worker_shutdown.connect(lambda **_: flush_at_exit(), weak=False)


def now() -> datetime:
    return timezone.now()

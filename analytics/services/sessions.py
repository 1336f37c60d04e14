"""Play sessions: one per signed-in socket, from `auth` to the disconnect.

A session whose process died never sees its disconnect: the periodic job ends it at its last sign of
life once ANALYTICS_SESSION_TIMEOUT_MINUTES have passed (`ended_by = timeout`). Open sessions of a
running process are marked alive every few minutes, so a quiet player is not timed out while connected.
"""

import re
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from analytics.models import Session

_PLATFORMS = (
    ("ios", re.compile(r"iPhone|iPad|iOS|CFNetwork|Darwin", re.I)),
    ("android", re.compile(r"Android|okhttp|Dalvik", re.I)),
    ("web", re.compile(r"Mozilla|Chrome|Safari|Firefox", re.I)),
)
_ALIVE_EVERY = 300.0  # seconds between marks of this process's open sessions

_lock = threading.Lock()
_open: dict[str, tuple[int, int]] = {}  # socket key -> (session id, player id), this process
_latest: dict[int, int] = {}  # player id -> the session id of their newest socket here
_marked = time.monotonic()


def platform_of(user_agent: str) -> str:
    """ios, android, web or other, from the socket's User-Agent (the protocol's `auth` does not say)."""
    for name, pattern in _PLATFORMS:
        if pattern.search(user_agent):
            return name
    return "other"


def start(*, player_id: int, key: str, user_agent: str = "") -> int | None:
    """A socket signed in: its session begins (returns its id; None while analytics is off)."""
    if not settings.ANALYTICS_ENABLED:
        return None
    now = timezone.now()
    session = Session.objects.create(
        key=key, player_id=player_id, platform=platform_of(user_agent), started_at=now, last_seen_at=now
    )
    with _lock:
        _open[key] = (session.pk, player_id)
        _latest[player_id] = session.pk
    return session.pk


def current(player_id: int | None) -> int | None:
    """The session an event of this player belongs to (their newest socket on this process), if any."""
    return _latest.get(player_id) if player_id is not None else None


def end(*, key: str) -> None:
    """A signed-in socket closed: its session ends now (also one the timeout had ended too early)."""
    with _lock:
        found = _open.pop(key, None)
        if found is None:
            return
        session_id, player_id = found
        if _latest.get(player_id) == session_id:
            others = [sid for sid, pid in _open.values() if pid == player_id]
            if others:
                _latest[player_id] = others[-1]
            else:
                _latest.pop(player_id, None)
    row = Session.objects.filter(pk=session_id).only("started_at").first()
    if row is None:
        return
    now = timezone.now()
    Session.objects.filter(pk=session_id).update(
        ended_at=now,
        ended_by=Session.End.DISCONNECT,
        last_seen_at=now,
        duration_seconds=max(0, int((now - row.started_at).total_seconds())),
    )
    mark_alive()


def mark_alive(force: bool = False) -> int:
    """Every few minutes, stamp this process's open sessions as seen (so the timeout spares them)."""
    global _marked
    if not force and time.monotonic() - _marked < _ALIVE_EVERY:
        return 0
    _marked = time.monotonic()
    with _lock:
        ids = [sid for sid, _ in _open.values()]
    now = timezone.now()
    for i in range(0, len(ids), 1000):
        Session.objects.filter(pk__in=ids[i : i + 1000], ended_at__isnull=True).update(last_seen_at=now)
    return len(ids)


def end_timed_out() -> int:
    """End the sessions nothing has been heard of for the timeout (their process died)."""
    cutoff = timezone.now() - timedelta(minutes=settings.ANALYTICS_SESSION_TIMEOUT_MINUTES)
    stale = Session.objects.filter(ended_at__isnull=True, last_seen_at__lt=cutoff)
    ended = 0
    for session in stale.only("pk", "started_at", "last_seen_at").iterator():
        ended += Session.objects.filter(pk=session.pk, ended_at__isnull=True).update(
            ended_at=F("last_seen_at"),
            ended_by=Session.End.TIMEOUT,
            duration_seconds=max(0, int((session.last_seen_at - session.started_at).total_seconds())),
        )
    return ended


def forget() -> None:
    """Forget this process's open sessions (tests)."""
    with _lock:
        _open.clear()
        _latest.clear()

"""Open WebSocket counts: this process's, and the sum over every process (via Redis)."""

import os
import socket
import time

from django.conf import settings

_PROCESS = f"{socket.gethostname()}:{os.getpid()}"
_STALE_SECONDS = 90
_open = 0
_published_at = 0.0


def _hash() -> str:
    return f"{settings.REDIS_KEY_PREFIX}:ws:connections"


def _redis():  # noqa: ANN202
    from core.ratelimit import shared_buckets

    return shared_buckets._client()


def _publish(force: bool = False) -> None:
    global _published_at
    client = _redis()
    now = time.time()
    if client is None or (not force and now - _published_at < 5):
        return
    _published_at = now
    client.hset(_hash(), _PROCESS, f"{_open}:{now:.0f}")


def opened() -> None:
    global _open
    _open += 1
    _publish(force=True)


def closed() -> None:
    global _open
    _open = max(0, _open - 1)
    _publish(force=True)


def local_count() -> int:
    return _open


def total_count() -> dict[str, int]:
    """{"open": n, "processes": k}: this process alone in the embedded default."""
    client = _redis()
    if client is None:
        return {"open": _open, "processes": 1}
    _publish(force=True)
    now = time.time()
    total = processes = 0
    for value in client.hgetall(_hash()).values():
        count, stamp = value.decode().split(":")
        if now - float(stamp) <= _STALE_SECONDS:
            total += int(count)
            processes += 1
    return {"open": total, "processes": processes}


def heartbeat() -> None:
    """Re-publish this process's count, so live processes are not taken for stale."""
    if settings.REDIS_URL:
        _publish(force=True)

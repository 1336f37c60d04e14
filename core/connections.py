"""Open WebSocket counts: this process's, and the sum over every process (via Redis)."""

import logging
import time

import redis
from django.conf import settings

from core import redis as shared_redis

_PROCESS = shared_redis.PROCESS
_STALE_SECONDS = 90
_open = 0
_unauthenticated: dict[str, int] = {}  # client address -> sockets not signed in yet (event loop only)
logger = logging.getLogger("baolife.ws")
_published_at = 0.0


def _hash() -> str:
    return shared_redis.key("ws", "connections")


def _redis():
    return shared_redis.client()


def _publish(force: bool = False) -> None:
    """`force` comes from a thread (heartbeat, health); otherwise from the event loop, so fast."""
    global _published_at
    client = _redis() if force else shared_redis.fast_client()
    now = time.time()
    if client is None or (not force and (now - _published_at < 5 or not shared_redis.available())):
        return
    _published_at = now
    try:
        client.hset(_hash(), _PROCESS, f"{_open}:{now:.0f}")
    except redis.exceptions.RedisError as exc:  # a count is not worth a socket: the heartbeat re-publishes
        shared_redis.mark_down()
        logger.warning("socket count not published: %s", type(exc).__name__)


def opened() -> None:
    """On the event loop: publishes at most every 5 s (the heartbeat and /health/ready publish too)."""
    global _open
    _open += 1
    _publish()


def closed() -> None:
    global _open
    _open = max(0, _open - 1)
    _publish()


def unauthenticated_opened(address: str) -> bool:
    """Count a socket not signed in yet against its address; False past WS_MAX_UNAUTHENTICATED_PER_IP.

    Per process: a flood from one address ties up each process's slots, never the whole cluster's.
    """
    if _unauthenticated.get(address, 0) >= settings.WS_MAX_UNAUTHENTICATED_PER_IP:
        return False
    _unauthenticated[address] = _unauthenticated.get(address, 0) + 1
    return True


def unauthenticated_done(address: str) -> None:
    """The socket signed in or closed: its address's slot is free."""
    left = _unauthenticated.get(address, 0) - 1
    if left > 0:
        _unauthenticated[address] = left
    else:
        _unauthenticated.pop(address, None)


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

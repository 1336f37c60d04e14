"""The process's one synchronous Redis client (shared limits, counters, presence), or None.

Timeouts are short and a dropped connection is retried once: after a Redis restart the pool's
old connections fail on first use, and that must not reach a player as an error.
"""

import os
import socket
import threading
import time

import redis
from django.conf import settings
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

_lock = threading.Lock()
_client: redis.Redis | None = None
_url: str | None = None
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"
_down_until = 0.0
BREAKER_SECONDS = 2.0


def client() -> redis.Redis | None:
    """The shared client for REDIS_URL; None in the embedded default (no Redis)."""
    global _client, _url
    url = settings.REDIS_URL
    if not url:
        return None
    if _client is None or _url != url:
        with _lock:
            if _client is None or _url != url:
                _client = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=2,
                    socket_timeout=2,
                    health_check_interval=15,
                    retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
                    retry_on_error=[redis.exceptions.ConnectionError, redis.exceptions.TimeoutError],
                )
                _url = url
    return _client


def key(*parts: object) -> str:
    """A key in this deployment's namespace (REDIS_KEY_PREFIX)."""
    return ":".join([settings.REDIS_KEY_PREFIX, *map(str, parts)])


def available() -> bool:
    """False for a moment after a call failed: callers on the event loop skip Redis rather than block."""
    return time.monotonic() >= _down_until


def mark_down() -> None:
    """A call failed: callers that can do without Redis skip it for BREAKER_SECONDS."""
    global _down_until
    _down_until = time.monotonic() + BREAKER_SECONDS


def restarted_empty() -> bool:
    """True the first time this process asks, and again whenever Redis has lost its data since.

    A Redis restart without persistence forgets every channel-layer group: sockets must join theirs
    again. A key only this process writes tells: gone means the data went with it.
    """
    redis_client = client()
    if redis_client is None:
        return False
    return bool(redis_client.set(key("alive", _PROCESS), "1", nx=True))


def forget_alive() -> None:
    """Re-joining failed half-way: make the next `restarted_empty` answer True again."""
    redis_client = client()
    if redis_client is not None:
        redis_client.delete(key("alive", _PROCESS))

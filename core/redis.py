"""The process's synchronous Redis clients (shared limits, counters, presence), or None.

Two clients: `client()` for calls made off the event loop (a database thread, a task), with
short timeouts and one retry (after a Redis restart the pool's old connections fail on first
use, which must not reach a player as an error); and `fast_client()` for the few calls made on
the event loop itself, with a 0.25 s timeout and no retry, so a Redis that hangs instead of
refusing cannot freeze every socket of the process. A circuit breaker (`available`,
`mark_down`, `mark_up`) keeps callers that can do without Redis from trying again and again
while it is down; its pause doubles on every failure, up to 30 s.
"""

import os
import secrets
import socket
import threading
import time

import redis
from django.conf import settings
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

# hostname:pid:boot — a restarted container that reuses hostname and pid is still a new process
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
BREAKER_MIN_SECONDS = 1.0
BREAKER_MAX_SECONDS = 30.0
FAST_TIMEOUT_SECONDS = 0.25

_lock = threading.Lock()
_clients: dict[tuple[str, bool], redis.Redis] = {}
_down_until = 0.0
_pause = 0.0


def _build(url: str, fast: bool) -> redis.Redis:
    if fast:
        return redis.Redis.from_url(
            url,
            socket_connect_timeout=FAST_TIMEOUT_SECONDS,
            socket_timeout=FAST_TIMEOUT_SECONDS,
            retry=Retry(ExponentialBackoff(), 0),
        )
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=1,
        socket_timeout=1,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.25, base=0.05), 1),
        retry_on_error=[redis.exceptions.ConnectionError, redis.exceptions.TimeoutError],
    )


def _get(fast: bool) -> redis.Redis | None:
    url = settings.REDIS_URL
    if not url:
        return None
    found = _clients.get((url, fast))
    if found is None:
        with _lock:
            found = _clients.get((url, fast))
            if found is None:
                found = _clients[(url, fast)] = _build(url, fast)
    return found


def client() -> redis.Redis | None:
    """The client for REDIS_URL (off the event loop); None in the embedded default (no Redis)."""
    return _get(fast=False)


def fast_client() -> redis.Redis | None:
    """The client for calls on the event loop: fails within 0.25 s rather than block the loop."""
    return _get(fast=True)


def key(*parts: object) -> str:
    """A key in this deployment's namespace (REDIS_KEY_PREFIX)."""
    return ":".join([settings.REDIS_KEY_PREFIX, *map(str, parts)])


def available() -> bool:
    """False while the breaker is open: callers that can do without Redis skip it."""
    return time.monotonic() >= _down_until


def mark_down() -> None:
    """A call failed: open the breaker, for twice as long as last time (1 s up to 30 s)."""
    global _down_until, _pause
    _pause = min(BREAKER_MAX_SECONDS, max(BREAKER_MIN_SECONDS, _pause * 2))
    _down_until = time.monotonic() + _pause


def mark_up() -> None:
    """A call succeeded: close the breaker."""
    global _down_until, _pause
    _down_until, _pause = 0.0, 0.0


def restarted_empty() -> bool:
    """True the first time this process asks, and again whenever Redis has lost its data since.

    A Redis restart without persistence forgets every channel-layer group: sockets must join theirs
    again. A key only this process writes tells: gone means the data went with it.
    """
    redis_client = client()
    if redis_client is None:
        return False
    return bool(redis_client.set(key("alive", PROCESS), "1", nx=True, ex=24 * 3600))


def forget_alive() -> None:
    """Re-joining failed half-way: make the next `restarted_empty` answer True again."""
    redis_client = client()
    if redis_client is not None:
        redis_client.delete(key("alive", PROCESS))

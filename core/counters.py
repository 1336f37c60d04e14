"""Fixed-window counters, atomic across threads and processes (Redis) or in this process.

A limit that must hold under a burst counts first and decides on the new value: 40 parallel
requests see 1, 2, ... 40, never 40 times the same "4 so far". `hit` returns the new count
and the seconds until the window ends (a `Retry-After`).
"""

import threading
import time

from core import redis as shared_redis

_lock = threading.Lock()
_local: dict[str, tuple[int, float]] = {}  # key -> (count, window end on the monotonic clock)
_PRUNE_ABOVE = 10_000


def hit(name: str, *, window: int, amount: int = 1) -> tuple[int, float]:
    """Add `amount` to the counter `name`; (the new count, seconds left in its window)."""
    client = shared_redis.client()
    if client is not None:
        key = shared_redis.key("count", name)
        pipe = client.pipeline(transaction=True)
        pipe.incrby(key, amount)
        pipe.expire(key, window, nx=True)
        pipe.pttl(key)
        count, _, ttl_ms = pipe.execute()
        return int(count), max(ttl_ms, 0) / 1000 or float(window)
    now = time.monotonic()
    with _lock:
        if len(_local) > _PRUNE_ABOVE:  # windows that ended are forgotten, so memory stays bounded
            for stale in [k for k, (_, end) in _local.items() if end <= now]:
                del _local[stale]
        count, ends = _local.get(name, (0, 0.0))
        if ends <= now:
            count, ends = 0, now + window
        count += amount
        _local[name] = (count, ends)
        return count, ends - now


def release(name: str, *, amount: int = 1) -> None:
    """Take back a hit that did not happen after all (never below zero, window unchanged)."""
    client = shared_redis.client()
    if client is not None:
        key = shared_redis.key("count", name)
        client.eval(
            "local v = tonumber(redis.call('GET', KEYS[1]) or '0') "
            "if v > 0 then redis.call('DECRBY', KEYS[1], math.min(v, tonumber(ARGV[1]))) end",
            1,
            key,
            amount,
        )
        return
    with _lock:
        count, ends = _local.get(name, (0, 0.0))
        if count:
            _local[name] = (max(0, count - amount), ends)


def reset() -> None:
    """Forget the in-process counters (tests)."""
    with _lock:
        _local.clear()

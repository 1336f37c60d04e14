"""Token buckets: per socket in memory, per player in the shared cache (Redis when configured).

A socket lives in one process, so its bucket is a plain object. A player's bucket must hold
across processes, so it lives in Redis (an atomic Lua script) or, in the embedded default,
in this process. To keep a round trip off the hot path, a process leases a few tokens of a
player's shared bucket at a time (`lease`); docs/protocol.md explains the trade.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from core import redis as shared_redis
from core.errors import GameError

_LUA_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or capacity
local ts = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local got = math.min(want, math.floor(tokens))
local retry = 0
if got < 1 then
  got = 0
  retry = (1 - tokens) / rate
else
  tokens = tokens - got
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {got, tostring(retry)}
"""


_LUA_GIVE_BACK = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then
  redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tokens + 1)))
end
return 0
"""


@dataclass(slots=True)
class LocalBucket:
    """A token bucket owned by one object (one socket): no locking, no I/O."""

    capacity: float
    rate: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def _refill(self) -> None:
        now = time.monotonic()
        if self.tokens < 0:
            self.tokens = self.capacity
        else:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self, n: float = 1.0) -> float | None:
        """Take n tokens; None when granted, else the seconds to wait."""
        self._refill()
        if self.tokens >= n:
            self.tokens -= n
            return None
        return (n - self.tokens) / self.rate

    def take_up_to(self, want: int) -> tuple[int, float]:
        """Take up to `want` whole tokens at once: (tokens granted, seconds to wait if none)."""
        self._refill()
        got = min(want, int(self.tokens))
        if got >= 1:
            self.tokens -= got
            return got, 0.0
        return 0, (1 - self.tokens) / self.rate


class SharedBuckets:
    """Buckets by key in Redis (REDIS_URL) or in this process (embedded default)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local: dict[str, LocalBucket] = {}
        self._scripts: dict[int, Any] = {}

    def _script(self, client: Any, source: str) -> Any:
        script = self._scripts.get(id(client) ^ hash(source))
        if script is None:
            script = self._scripts[id(client) ^ hash(source)] = client.register_script(source)
        return script

    def take(self, key: str, *, capacity: float, rate: float, want: int = 1, fast: bool = False) -> tuple[int, float]:
        """Take up to `want` whole tokens; returns (tokens granted, seconds to wait if none).

        `fast`: called on the event loop, so Redis gets 0.25 s and no retry (core/redis.py).
        """
        client = shared_redis.fast_client() if fast else shared_redis.client()
        if client is not None:
            script = self._script(client, _LUA_TAKE)
            got, retry = script(keys=[shared_redis.key("rl", key)], args=[capacity, rate, want])
            return int(got), float(retry)
        with self._lock:
            bucket = self._local.get(key)
            if bucket is None or bucket.capacity != capacity or bucket.rate != rate:
                bucket = self._local[key] = LocalBucket(capacity, rate)
            return bucket.take_up_to(want)

    def give_back(self, key: str, *, capacity: float, rate: float) -> None:
        """Return one token taken for an action that did not happen after all (a refused purchase)."""
        client = shared_redis.client()
        if client is not None:
            self._script(client, _LUA_GIVE_BACK)(keys=[shared_redis.key("rl", key)], args=[capacity])
            return
        with self._lock:
            bucket = self._local.get(key)
            if bucket is not None:
                bucket.tokens = min(bucket.capacity, bucket.tokens + 1)

    def reset(self) -> None:
        """Forget the embedded buckets (tests)."""
        with self._lock:
            self._local.clear()


shared_buckets = SharedBuckets()


def limit(key: str, *, capacity: float, rate: float) -> None:
    """Exact shared limit for rare, valuable actions (purchases): raises rate_limited."""
    got, retry = shared_buckets.take(key, capacity=capacity, rate=rate)
    if not got:
        raise GameError("rate_limited", "Too many requests; slow down.", retry_after=round(retry, 3))


@contextmanager
def limited(key: str, *, capacity: float, rate: float) -> Iterator[None]:
    """`limit`, counting only what goes through: a refusal (GameError) inside gives the token back."""
    limit(key, capacity=capacity, rate=rate)
    try:
        yield
    except GameError:
        shared_buckets.give_back(key, capacity=capacity, rate=rate)
        raise


LEASE_MAX = 64


class PlayerLease:
    """This process's lease on one player's shared frame bucket."""

    __slots__ = ("player_id", "tokens")

    def __init__(self, player_id: int) -> None:
        self.player_id = player_id
        self.tokens = 0

    def take(self) -> float | None:
        if self.tokens > 0:
            self.tokens -= 1
            return None
        capacity, rate = settings.WS_RATE_PLAYER_BURST, settings.WS_RATE_PLAYER_PER_SECOND
        # a second of the player's rate at a time (40 at the defaults), at most a third of the burst and
        # LEASE_MAX: the Redis round trip — on the event loop — is paid once a second of play, not every ten
        # frames (it was 14 % of a `ping` in production: docs/performance.md)
        lease = max(1, min(LEASE_MAX, int(capacity // 3), int(rate)))
        got, retry = shared_buckets.take(
            f"ws:player:{self.player_id}", capacity=capacity, rate=rate, want=lease, fast=True
        )
        if got == 0:
            return retry
        self.tokens = got - 1
        return None

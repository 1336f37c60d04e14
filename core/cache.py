"""Django's Redis cache with one Redis client (one connection pool) per process.

Django gives every async task its own cache object (`django.core.cache.caches` is an asgiref `Local`), and
each `RedisCache` object builds its own client and pool: every socket's task that touched the cache kept a
Redis connection of its own — 10,000 sockets, 10,000 connections, Redis' `maxclients` (bench/sockets.py
found it). The client is shared here; redis-py's pools are thread-safe and re-made after a fork.
"""

import threading
from functools import cached_property
from typing import Any, ClassVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedPoolRedisCache(RedisCache):
    _clients: ClassVar[dict[tuple[Any, ...], RedisCacheClient]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()
    _servers: list[str]  # set by RedisCache.__init__ (django-stubs do not declare them)
    _options: dict[str, Any]
    _class: type[RedisCacheClient]

    @cached_property
    def _cache(self) -> RedisCacheClient:
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._class(self._servers, **self._options)
        return client

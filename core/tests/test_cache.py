"""The Redis cache shares one client per process, whatever the number of async tasks using it."""

import asyncio

from asgiref.sync import sync_to_async

from baolife.settings.integrations import cache_settings
from core.cache import SharedPoolRedisCache


def _cache() -> SharedPoolRedisCache:
    return SharedPoolRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "probe"})


def test_two_cache_objects_share_one_client_and_its_pool():
    a, b = _cache(), _cache()
    assert a is not b
    assert a._cache is b._cache  # Django's own RedisCache builds one client (and pool) per object


def test_the_cache_objects_of_many_tasks_share_one_client():
    """Django makes a cache object per async task (caches is an asgiref Local): 200 sockets, one client."""

    async def main() -> set[int]:
        async def one() -> int:
            return id((await sync_to_async(_cache)())._cache)

        return set(await asyncio.gather(*(one() for _ in range(200))))

    assert len(asyncio.run(main())) == 1


def test_production_uses_the_shared_client():
    assert cache_settings("redis://127.0.0.1:6379/0")["default"]["BACKEND"] == "core.cache.SharedPoolRedisCache"

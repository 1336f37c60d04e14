"""Each integration's settings in one small function, so every settings module builds them alike."""

from typing import Any


def cache_settings(redis_url: str, prefix: str = "baolife") -> dict[str, Any]:
    """Django's Redis cache with REDIS_URL, a process-local cache otherwise."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "core.cache.SharedPoolRedisCache",  # one pool per process, not per task
                "LOCATION": redis_url,
                "KEY_PREFIX": prefix,
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "baolife"}}


def channel_layers(redis_url: str, prefix: str = "baolife", kind: str = "pubsub") -> dict[str, Any]:
    """channels-redis across processes with REDIS_URL, in-memory in the embedded default. `kind`: channels-redis'
    pub/sub layer (the default: messages go straight to the processes that hold the group's sockets, nothing
    kept in Redis; a slow socket is bounded by its own outbox) or its core layer (lists in Redis with capacity and
    expiry); docs/performance.md, "Pushes at scale", compares them."""
    if redis_url and kind == "pubsub":
        return {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [redis_url], "prefix": f"{prefix}:asgi"},
            }
        }
    if redis_url:
        return {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                # Set on purpose (docs/performance.md, "Pushes at scale"): a socket's channel holds at most
                # 1,500 messages for at most 30 s (its layer loop never waits on the client: the outbox is
                # what bounds a slow one); a group member is forgotten after a day unless it joins again
                # (the heartbeat re-joins every hour, core/ws/watch.py).
                "CONFIG": {
                    "hosts": [redis_url],
                    "capacity": 1500,
                    "expiry": 30,
                    "group_expiry": 86400,
                    "prefix": f"{prefix}:asgi",
                },
            }
        }
    return {"default": {"BACKEND": "core.ws.memory_layer.SweepingInMemoryChannelLayer"}}


def celery_settings(redis_url: str) -> dict[str, Any]:
    """Celery reads CELERY_* settings (see baolife/celery.py)."""
    return {
        "CELERY_BROKER_URL": redis_url or "memory://",
        "CELERY_RESULT_BACKEND": redis_url or "cache+memory://",
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_TIMEZONE": "UTC",
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
    }


def logging_config(*, json_logs: bool, level: str) -> dict[str, Any]:
    """JSON lines in production (one object per record), readable lines in development."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json_logs
        else {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.channels.server": {"level": "WARNING"},
            "daphne": {"level": "WARNING"},
        },
    }

"""Readiness checks (PROTOCOL.md `/health/ready`): database, cache, channel layer, memory, disk, sockets.

Each check is `{"status": "ok"|"warning"|"critical"|"down", ...figures}`. The whole answer is
"down" (HTTP 503) when a dependency fails or memory/disk is critical, "degraded" (200) on a
warning, "ok" (200) otherwise. A failing check names the exception class only: no message,
no host names, no stack trace.

The checks stay off the thread that runs every socket's sync handlers (Django's and
`database_sync_to_async`'s thread-sensitive thread): the blocking ones run in a pool thread,
the channel layer round trip on the event loop. A hung dependency then delays the probe, not
the game.
"""

import asyncio
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from core import connections

WARNING_PERCENT = 80.0
CRITICAL_PERCENT = 90.0
LAYER_TIMEOUT_SECONDS = 2.0
_CGROUP = Path("/sys/fs/cgroup")


def _timed(fn: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        fn()
    except Exception as exc:
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


async def _timed_async(fn: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await fn()
    except Exception as exc:
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        if not connection.in_atomic_block:
            connection.close()  # a pool thread's connection would otherwise outlive the request


def _cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value it stored")
    cache.delete(key)


async def _layer_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "health.ping":
            raise RuntimeError("channel layer returned another message")

    await asyncio.wait_for(round_trip(), timeout=LAYER_TIMEOUT_SECONDS)


def _usage(percent: float) -> str:
    """ "ok" below 80 %, "warning" from 80 %, "critical" from 90 %."""
    if percent >= CRITICAL_PERCENT:
        return "critical"
    if percent >= WARNING_PERCENT:
        return "warning"
    return "ok"


def _memory_percent() -> float:
    """Memory in use: of the container's cgroup limit when there is one, else of the machine."""
    try:
        limit = (_CGROUP / "memory.max").read_text().strip()
        if limit != "max":
            current = int((_CGROUP / "memory.current").read_text().strip())
            return round(current / int(limit) * 100, 1)
    except (OSError, ValueError, ZeroDivisionError):
        pass
    return psutil.virtual_memory().percent


def _websockets() -> dict[str, Any]:
    try:
        return {"status": "ok", **connections.total_count(), "this_process": connections.local_count()}
    except Exception as exc:
        return {"status": "down", "error": type(exc).__name__}


def overall(checks: dict[str, dict[str, Any]]) -> str:
    """ "down" if any check is down or critical, "degraded" on a warning, else "ok"."""
    statuses = {check["status"] for check in checks.values()}
    if statuses & {"down", "critical"}:
        return "down"
    if "warning" in statuses:
        return "degraded"
    return "ok"


def _blocking_checks() -> dict[str, Any]:
    return {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "memory_percent": _memory_percent(),
        "disk_percent": psutil.disk_usage(str(settings.BASE_DIR)).percent,
        "websockets": _websockets(),
    }


async def readiness() -> tuple[str, dict[str, Any]]:
    """(overall status, checks)."""
    found = await sync_to_async(_blocking_checks, thread_sensitive=False)()
    memory, disk = found.pop("memory_percent"), found.pop("disk_percent")
    checks: dict[str, Any] = {
        "database": found["database"],
        "cache": found["cache"],
        "channel_layer": await _timed_async(_layer_round_trip),
        "memory": {"status": _usage(memory), "percent": memory},
        "disk": {"status": _usage(disk), "percent": disk},
        "websockets": found["websockets"],
    }
    return overall(checks), checks


class _Cached:
    """The last readiness answer, shared for HEALTH_CACHE_SECONDS: probes and scrapers at any rate
    cost one round of checks per period, and concurrent callers wait for the same round."""

    def __init__(self) -> None:
        self.value: tuple[str, dict[str, Any]] | None = None
        self.at = 0.0
        self.lock: asyncio.Lock | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def get(self) -> tuple[str, dict[str, Any]]:
        loop = asyncio.get_running_loop()
        if self.lock is None or self.loop is not loop:
            self.lock, self.loop = asyncio.Lock(), loop
        async with self.lock:
            if self.value is None or time.monotonic() - self.at >= settings.HEALTH_CACHE_SECONDS:
                self.value = await readiness()
                self.at = time.monotonic()
            return self.value

    def clear(self) -> None:
        self.value = None


cached = _Cached()


def public_view(checks: dict[str, Any]) -> dict[str, Any]:
    """With HEALTH_DETAIL=status, each check says only its status (no latencies, counts, percents)."""
    if settings.HEALTH_DETAIL == "full":
        return checks
    return {name: {"status": check["status"]} for name, check in checks.items()}

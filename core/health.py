"""Readiness checks: database, cache, channel layer, memory, disk, open sockets."""

import asyncio
import time
import uuid
from typing import Any

import psutil
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from core import connections

WARNING_PERCENT = 80.0
CRITICAL_PERCENT = 90.0


def _timed(fn: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - a failing dependency is a finding, not a crash
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value it stored")
    cache.delete(key)


async def _layer_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "health.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "health.ping":
        raise RuntimeError("channel layer returned another message")


def _usage(percent: float) -> str:
    if percent >= CRITICAL_PERCENT:
        return "critical"
    if percent >= WARNING_PERCENT:
        return "warning"
    return "ok"


def readiness() -> tuple[str, dict[str, Any]]:
    """("ok"|"degraded"|"down", checks): down when a dependency fails, degraded on a warning."""
    checks: dict[str, Any] = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "channel_layer": _timed(async_to_sync(_layer_round_trip)),
    }
    memory = psutil.virtual_memory().percent
    disk = psutil.disk_usage(str(settings.BASE_DIR)).percent
    checks["memory"] = {"status": _usage(memory), "percent": memory}
    checks["disk"] = {"status": _usage(disk), "percent": disk}
    try:
        checks["websockets"] = {"status": "ok", **connections.total_count(), "this_process": connections.local_count()}
    except Exception as exc:  # noqa: BLE001
        checks["websockets"] = {"status": "down", "error": type(exc).__name__}
    statuses = {c["status"] for c in checks.values()}
    if "down" in statuses or "critical" in statuses:
        return "down", checks
    if "warning" in statuses:
        return "degraded", checks
    return "ok", checks

"""In-process scheduling for the embedded default, and the ASGI lifespan that starts it."""

import asyncio
import importlib
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings

from core import heap
from core.content_store import warm_all
from core.jobs import periodic_jobs
from core.outages import is_outage
from core.reporting import report_exception

logger = logging.getLogger("baolife.jobs")
_AT_SHUTDOWN: list[Callable[[], None]] = []


def at_shutdown(fn: Callable[[], None]) -> Callable[[], None]:
    """Run `fn` when the server stops gracefully (after its sockets closed): `atexit` is not enough, as
    uvicorn ends by re-raising the SIGTERM it handled, and a process killed by a signal runs no `atexit`."""
    _AT_SHUTDOWN.append(fn)
    return fn


def _shut_down() -> None:
    for fn in _AT_SHUTDOWN:
        try:
            fn()
        except Exception as exc:
            report_exception(exc, player_id=None, where="shutdown")


def run_job(name: str) -> Any:
    """Run one periodic job's task body in this process (the same code Celery runs, claim included)."""
    module, _, attr = periodic_jobs()[name].task.rpartition(".")
    task = getattr(importlib.import_module(module), attr)
    return task.run()


def _until_next_period(every: float, offset: float) -> float:
    """Seconds until the job's next period starts (a daily job with an offset: its hour, 02:00 UTC)."""
    now = time.time()
    period = int((now - offset) // every)
    return (period + 1) * every + offset - now


async def _run_one(name: str) -> float | None:
    """Run job `name` once; the seconds to wait before trying again when another process holds its period."""
    try:
        # not the sockets' database thread: a long tick must not stall their verbs
        result = await sync_to_async(run_job, thread_sensitive=False)(name)
        if isinstance(result, dict) and result.get("busy"):  # a run of another process holds it
            return float(result["retry_in"])
    except Exception as exc:
        if is_outage(exc):  # a dependency down (Redis restarting): the next run retries
            logger.warning("job %s skipped: a dependency is down (%s)", name, type(exc).__name__)
        else:
            report_exception(exc, player_id=None, where=f"job:{name}")
    return None


async def _job_loop() -> None:
    """Each job at start (its claim makes it once per period), then at the start of each of its periods. Jobs of
    an hour or more run beside the loop: a long hard deletion must not hold up the tick."""
    jobs = periodic_jobs()
    next_run = {name: time.monotonic() for name in jobs}
    running: dict[str, asyncio.Task] = {}
    while True:
        now = time.monotonic()
        for name, job in jobs.items():
            if now < next_run[name] or (name in running and not running[name].done()):
                continue
            next_run[name] = now + _until_next_period(job.every_seconds, job.offset_seconds)
            if job.every_seconds >= 3600:
                running[name] = asyncio.create_task(_run_one(name))
                continue
            retry_in = await _run_one(name)
            if retry_in is not None:
                next_run[name] = now + retry_in
        await asyncio.sleep(max(0.05, min(next_run.values()) - time.monotonic()))


def _warm_up() -> None:
    """Load the content before the first player needs it, then settle the heap (core/heap.py).
    A database that is not there yet is no reason not to start: the first request loads it."""
    try:
        warm_all()
    except Exception as exc:
        logger.warning("content not loaded at start-up (%s): loaded on first use", type(exc).__name__)
    heap.settle()
    # a thread running Python (a skip's database work) keeps the GIL up to this long before the event
    # loop gets it back: Python's 5 ms is a socket's whole reply time several times over
    sys.setswitchinterval(settings.SERVER_SWITCH_INTERVAL_SECONDS)


async def lifespan(scope: dict, receive: Any, send: Any) -> None:
    """ASGI lifespan: start the embedded job loop (when configured). The sockets' heartbeat is
    core/ws/watch.py, started by the first socket."""
    tasks: list[asyncio.Task] = []
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await sync_to_async(_warm_up, thread_sensitive=False)()
            if settings.RUN_JOBS_IN_PROCESS:
                tasks.append(asyncio.create_task(_job_loop()))
                logger.info("periodic jobs run in this process: %s", ", ".join(periodic_jobs()))
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            for task in tasks:
                task.cancel()
            await sync_to_async(_shut_down, thread_sensitive=False)()
            await send({"type": "lifespan.shutdown.complete"})
            return

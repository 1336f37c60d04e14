"""Long engine runs (a time skip's up to 7 game years) in worker processes.

Why: the engine is pure Python; run on a thread of the server process it holds the GIL for tens of
milliseconds at a time, and every socket of that process waits behind it (a `ping` beside 10 week
skips took 10x its idle time). In a worker process it only costs CPU, and the workers run in Linux's
idle scheduling class (`SCHED_IDLE`; elsewhere at the lowest `nice`), so a socket's reply always
preempts them: skips use the CPU the sockets leave (on a saturated box they wait).

The engine is split-invariant and pure, so a run in a worker gives exactly what it gives here. A
worker rebuilds the content once per version (it is sent only when the worker lacks that digest) and
imports the modules that registered specials. If the pool breaks (a worker killed), it is rebuilt and
the run retried once; after that the run happens in this process, so a skip never fails for it.

Settings: `GAME_ENGINE_PROCESSES` (0 runs everything in-process).
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings  # importing it sets nothing up: workers stay Django-free

from game import engine
from game.engine import special_registry

log = logging.getLogger(__name__)

WORKER_NICENESS = 19  # where SCHED_IDLE is not available: a skip may wait, a ping should not

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


# ---- the worker's side (no Django here: a spawned worker imports only the engine) --------------------------------
_contents: dict[str, engine.Content] = {}


class _NeedContent(Exception):
    """The worker has no content with this digest yet: send it the source."""


def _init_worker(special_modules: Sequence[str]) -> None:
    for name in special_modules:
        importlib.import_module(name)
    try:
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        else:
            os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: run at the same priority
        pass


def _advance_in_worker(
    digest: str,
    source: str | None,
    state: engine.LifeState,
    start: int,
    end: int,
    inputs: Sequence[engine.Input],
) -> tuple[engine.LifeState, list[engine.Event]]:
    content = _contents.get(digest)
    if content is None:
        if source is None:
            raise _NeedContent(digest)
        content = engine.Content.from_source(source)
        _contents.clear()  # one version at a time: the old one is not asked for again
        _contents[digest] = content
    return engine.advance(state, start, end, list(inputs), content)


# ---- the server's side -------------------------------------------------------------------------------------------
def _processes() -> int:
    return int(settings.GAME_ENGINE_PROCESSES)


def _special_modules() -> list[str]:
    return sorted({special.apply.__module__ for special in special_registry.registered().values()})


def _get_pool() -> ProcessPoolExecutor | None:
    global _pool
    if multiprocessing.current_process().daemon:  # a daemonic worker (Celery's prefork) may not have children
        return None
    with _lock:
        if _pool is None and _processes() > 0:
            # spawn, not fork: forking a process with threads and an event loop can copy held locks
            _pool = ProcessPoolExecutor(
                max_workers=_processes(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(_special_modules(),),
            )
        return _pool


def _discard(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the workers (tests, and a server that is stopping)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def advance(
    state: engine.LifeState, start: int, end: int, inputs: Sequence[engine.Input], content: engine.Content
) -> tuple[engine.LifeState, list[engine.Event]]:
    """`engine.advance`, run in a worker process; blocks the calling thread (never call it on the
    event loop), not the others."""
    for _attempt in range(2):
        pool = _get_pool()
        if pool is None or not content.source:
            break
        run = (state, start, end, inputs)
        try:
            try:
                return pool.submit(_advance_in_worker, content.digest, None, *run).result()
            except _NeedContent:  # this worker has not seen this content yet
                return pool.submit(_advance_in_worker, content.digest, content.source, *run).result()
        except BrokenProcessPool:
            log.warning("engine worker pool broke; rebuilding it")
            _discard(pool)
    return engine.advance(state, start, end, list(inputs), content)

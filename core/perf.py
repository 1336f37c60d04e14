"""The performance monitor: how long each operation takes (WebSocket verbs, HTTP endpoints, periodic jobs).

Per process and per operation name (`ws:get_state`, `http:auth-login`, `job:game-tick`): an exact count,
min, max and sum, and the last RESERVOIR samples for the median and the 95th and 99th percentiles, so
memory stays bounded however long the process runs. An operation slower than PERF_SLOW_SECONDS is
logged (logger `baolife.perf`, warning) with what it was about: the player, the verb, the route.

Recording is a list append (no lock, no arithmetic: the socket records every frame); a daemon thread
adds the pending samples to the figures every DRAIN_SECONDS, in C loops, and any read drains first.

`manage.py perf_report` and the six-hourly job run in processes of their own, so each process
publishes what it measured: the same thread, started by the first operation recorded, writes
`PERF_REPORT_DIR/processes/<host>-<pid>-<start>.json` every PUBLISH_SECONDS when something was
recorded since, and once more at exit. The thread, not `record()`, does the file work, so the event
loop never waits on a disk; the samples go as raw little-endian doubles (base64), a copy per
operation rather than thousands of floats formatted. The report merges the snapshots written in the
last `max_age` (six hours by default): counts, sums, min and max exactly, the percentiles over the
union of the processes' reservoirs (each one's latest samples: close, not exact, when processes carry
very different loads). Figures run from each process's start. Snapshots a week old are deleted by the
report that finds them.
"""

import atexit
import base64
import functools
import json
import logging
import math
import os
import socket
import sys
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.signals import setting_changed

logger = logging.getLogger("baolife.perf")

RESERVOIR = 2048  # samples kept per operation for the percentiles
PUBLISH_SECONDS = 10.0
DRAIN_SECONDS = 1.0
PENDING_MAX = 100_000  # samples waiting for the drain, per operation
REPORT_MAX_AGE_SECONDS = 6 * 3600.0  # the report covers processes that published in this window
FORGET_SNAPSHOTS_SECONDS = 7 * 86400.0

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class OpStats:
    """One operation's figures, in seconds."""

    count: int
    min: float
    max: float
    mean: float
    median: float
    p95: float
    p99: float


class _Op:
    """One operation's figures so far (what `_pending` held, added up)."""

    __slots__ = ("count", "total", "low", "high", "samples")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.low = math.inf
        self.high = 0.0
        self.samples: deque[float] = deque(maxlen=RESERVOIR)


# The hot path only appends to the operation's pending list (one C call, atomic under the GIL, no
# lock); `_drain` adds the pending samples to the figures in bulk (len, sum, min, max, extend: C
# loops), every DRAIN_SECONDS on the publisher thread and before any read. Taking `lst[:n]` then
# `del lst[:n]` keeps whatever was appended in between.
_pending: dict[str, list[float]] = {}
_ops: dict[str, _Op] = {}
_lock = threading.Lock()  # the drain's and the readers' (the figures), never the hot path's
_dirty = False  # figures changed since the last publish
_publisher: threading.Thread | None = None
_started = time.time()
_slow_seconds: float | None = None  # PERF_SLOW_SECONDS, kept here: a settings lookup costs more than a record


def _read_slow_seconds() -> float:
    global _slow_seconds
    _slow_seconds = float(settings.PERF_SLOW_SECONDS)
    return _slow_seconds


def _settings_changed(*, setting: str, **kwargs: object) -> None:
    global _slow_seconds
    if setting == "PERF_SLOW_SECONDS":
        _slow_seconds = None


setting_changed.connect(_settings_changed)


def _pending_of(name: str) -> list[float]:
    found = _pending.get(name)
    if found is None:
        with _lock:
            found = _pending.setdefault(name, [])
            _ops.setdefault(name, _Op())
        if _publisher is None:
            _start_publisher()
    return found


def record(name: str, seconds: float, context: Mapping[str, object] | None = None) -> None:
    """Count one run of `name` that took `seconds`; log it with `context` if slow."""
    pending = _pending.get(name)
    if pending is None:
        pending = _pending_of(name)
    pending.append(seconds)
    if len(pending) > PENDING_MAX:  # the drain thread starved: memory stays bounded all the same
        _drain()
    if seconds > (_slow_seconds if _slow_seconds is not None else _read_slow_seconds()):
        found = dict(context or {})
        logger.warning(
            "slow %s: %.3f s %s",
            name,
            seconds,
            found,
            extra={"operation": name, "seconds": round(seconds, 6), "context": found},
        )


def recorder(name: str) -> Callable[[float], None]:
    """`record(name, seconds)` as one C call, for a path run thousands of times a second (the socket's
    verbs). It logs nothing: the caller compares with `slow_seconds()` and calls `record` with the
    context for a slow run instead."""
    return _pending_of(name).append


def slow_seconds() -> float:
    """PERF_SLOW_SECONDS, read once (and again when a test changes it)."""
    return _slow_seconds if _slow_seconds is not None else _read_slow_seconds()


def _drain() -> None:
    global _dirty
    with _lock:
        for name, pending in list(_pending.items()):
            n = len(pending)
            if not n:
                continue
            taken = pending[:n]
            del pending[:n]
            op = _ops[name]
            op.count += n
            op.total += sum(taken)
            op.low = min(op.low, min(taken))
            op.high = max(op.high, max(taken))
            op.samples.extend(taken)
            _dirty = True


@contextmanager
def timed(name: str, **context: object) -> Iterator[None]:
    """Record how long the block took under `name` (also when it raises); `context` goes into the slow log."""
    started = time.perf_counter()
    try:
        yield
    finally:
        record(name, time.perf_counter() - started, context)


def timed_fn(name: str | None = None) -> Callable[[F], F]:
    """Decorator: time every call of a sync or async function (under `module.qualname` unless named)."""

    def wrap(fn: F) -> F:
        label = name or f"{fn.__module__}.{fn.__qualname__}"
        if iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    record(label, time.perf_counter() - started)

            return timed_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def timed_sync(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                record(label, time.perf_counter() - started)

        return timed_sync  # type: ignore[return-value]

    return wrap


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default; the median of 1..100 is 50.5)."""
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _stats(count: int, total: float, low: float, high: float, samples: list[float]) -> OpStats:
    ordered = sorted(samples)
    return OpStats(
        count=count,
        min=low,
        max=high,
        mean=total / count,
        median=_quantile(ordered, 0.5),
        p95=_quantile(ordered, 0.95),
        p99=_quantile(ordered, 0.99),
    )


def snapshot() -> dict[str, OpStats]:
    """This process's figures per operation."""
    _drain()
    with _lock:
        copied = [(name, op.count, op.total, op.low, op.high, list(op.samples)) for name, op in _ops.items()]
    return {
        name: _stats(count, total, low, high, samples) for name, count, total, low, high, samples in copied if count
    }


def reset() -> None:
    """Forget this process's figures (tests; a forked child starts from nothing). The pending lists
    stay (a `recorder` holds on to its own), emptied."""
    global _dirty
    with _lock:
        for name, pending in _pending.items():
            del pending[:]
            _ops[name] = _Op()
        _dirty = False


def report_table(stats: dict[str, OpStats] | None = None) -> str:
    """A fixed-width table in milliseconds, the operations taking the most time in all first."""
    stats = snapshot() if stats is None else stats
    if not stats:
        return "no operation recorded\n"
    width = max(len("operation"), *(len(name) for name in stats))
    columns = ("count", "mean", "median", "p95", "p99", "min", "max")
    lines = [f"{'operation':<{width}} " + " ".join(f"{c:>10}" for c in columns) + "  (ms)"]
    for name, s in sorted(stats.items(), key=lambda item: (-item[1].mean * item[1].count, item[0])):
        figures = (s.mean, s.median, s.p95, s.p99, s.min, s.max)
        lines.append(f"{name:<{width}} {s.count:>10} " + " ".join(f"{v * 1000:>10.3f}" for v in figures))
    return "\n".join(lines) + "\n"


# --- publishing, so that another process can report ----------------------------------------------
def _snapshots_dir() -> Path:
    return Path(settings.PERF_REPORT_DIR) / "processes"


def _encode(samples: deque[float]) -> str:
    values = array("d", samples)
    if sys.byteorder == "big":
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _decode(text: str) -> list[float]:
    values = array("d")
    values.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def publish() -> Path | None:
    """Write this process's figures for other processes to read, if anything was recorded since last time."""
    global _dirty
    _drain()
    with _lock:
        if not _dirty:
            return None
        _dirty = False
        ops = {
            name: {"count": op.count, "sum": op.total, "min": op.low, "max": op.high, "samples": _encode(op.samples)}
            for name, op in _ops.items()
            if op.count
        }
    pid = os.getpid()
    body = {"host": socket.gethostname(), "pid": pid, "started": _started, "written": time.time(), "ops": ops}
    folder = _snapshots_dir()
    path = folder / f"{socket.gethostname()}-{pid}-{int(_started)}.json"
    partial = path.with_suffix(f".{threading.get_ident()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(body))
        os.replace(partial, path)  # a reader sees the old file or the new one, never half of one
    except OSError:
        _dirty = True  # written next time
        raise
    return path


def _publish_quietly() -> None:
    try:
        publish()
    except OSError as exc:  # a full or read-only disk costs the report, never the server
        logger.warning("performance snapshot not written: %s", exc)


def _publish_loop() -> None:
    drains = 0
    while True:
        time.sleep(DRAIN_SECONDS)
        drains += 1
        try:
            if drains % round(PUBLISH_SECONDS / DRAIN_SECONDS):
                _drain()
            else:
                _publish_quietly()  # drains too
        except Exception:  # the thread must live on: it is what keeps the pending samples bounded
            logger.exception("performance monitor: drain or publish failed")


def _start_publisher() -> None:
    global _publisher
    with _lock:
        if _publisher is not None:
            return
        _publisher = threading.Thread(target=_publish_loop, name="perf-publisher", daemon=True)
    _publisher.start()
    atexit.register(_publish_quietly)  # a process that stops still counts in the next report


def _after_fork() -> None:
    """A forked child (a Celery worker) measures for itself: the parent's figures and thread stay behind."""
    global _lock, _publisher, _started
    _lock = threading.Lock()
    reset()
    _publisher = None
    _started = time.time()


os.register_at_fork(after_in_child=_after_fork)


def merged(*, max_age: float = REPORT_MAX_AGE_SECONDS) -> dict[str, OpStats]:
    """The figures of every process that published in the last `max_age` seconds, added up."""
    now = time.time()
    totals: dict[str, list[Any]] = {}  # name -> [count, sum, min, max, samples]
    folder = _snapshots_dir()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            age = now - path.stat().st_mtime
            if age > FORGET_SNAPSHOTS_SECONDS:
                path.unlink(missing_ok=True)
                continue
            if age > max_age:
                continue
            ops = json.loads(path.read_text())["ops"]
            read = {
                str(name): (
                    int(op["count"]),
                    float(op["sum"]),
                    float(op["min"]),
                    float(op["max"]),
                    _decode(op["samples"]),
                )
                for name, op in ops.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # a file of another shape
            logger.warning("performance snapshot %s unreadable: %s", path.name, exc)
            continue
        for name, (count, total, low, high, samples) in read.items():
            into = totals.setdefault(name, [0, 0.0, math.inf, 0.0, []])
            into[0] += count
            into[1] += total
            into[2] = min(into[2], low)
            into[3] = max(into[3], high)
            into[4].extend(samples)
    return {name: _stats(*figures) for name, figures in totals.items() if figures[0]}


def write_report(*, now: datetime | None = None, max_age: float = REPORT_MAX_AGE_SECONDS) -> Path:
    """Publish this process's figures, merge every recent process's, write the table to
    `PERF_REPORT_DIR/perf-<UTC time>.txt` and log it (the six-hourly job)."""
    _publish_quietly()
    table = report_table(merged(max_age=max_age))
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    folder = Path(settings.PERF_REPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"perf-{stamp:%Y%m%dT%H%M%SZ}.txt"
    path.write_text(table)
    logger.info("performance report %s\n%s", path, table)
    return path

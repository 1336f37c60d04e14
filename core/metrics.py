"""Prometheus metrics (`GET /metrics`, docs/operations.md), right with several server processes.

prometheus-client's multiprocess mode: each process keeps its values in memory-mapped files of one
directory (`counter_<pid>.db`, `gauge_livesum_<pid>.db` ...) and a scrape, answered by whichever
process, reads and adds up the files of all of them. The directory is PROMETHEUS_MULTIPROC_DIR, or
when that is empty `<temp dir>/baolife-metrics-<REDIS_KEY_PREFIX>`: one per deployment, so test runs
(each with its own prefix) stay apart. It must be local to the machine (one per container): the files
are named by process id.

prometheus-client picks its value class when it is imported, from the environment variable
PROMETHEUS_MULTIPROC_DIR, and reads the variable again for each value it creates. This module sets
the variable on import, before any metric exists (server processes started from this one inherit
it); if the client was imported before without it, the multiprocess class is put in its place here.
The metrics themselves, and so the directory and the files, are made on first use: a process that
measures nothing (a management command) leaves nothing behind.

Stale files, chosen for several processes sharing the directory:
- counters and histograms of a process that ended stay: their counts still add up, so a total never
  goes backwards when a process restarts;
- live gauges (open sockets, analytics buffer) count only running processes: a process removes its
  own at exit (`mark_process_dead`), a scrape removes those of process ids no longer running (a
  crash), and a process removes any left under its own id before making its first. Nothing is wiped
  at start-up: with several processes the first one cannot know it is the first, and would erase
  the others' counts.

The socket's per-frame count is cheap: writing a value to its file costs ~2 µs, a few percent of a
frame's whole server time, so `verb_done` only steps an `itertools.count` (atomic under the GIL, no
lock: ~0.2 µs) and a daemon thread hands the counts to prometheus-client every FLUSH_SECONDS, at
exit, and before this process answers a scrape.
The analytics buffer's depth and drops go the same way (the buffer may report on every event). A
scrape answered by one process thus sees the others' counts up to FLUSH_SECONDS late.

Label values are bounded: a verb no app declares counts as `other`, routes are URL names.
"""

import atexit
import hmac
import ipaddress
import itertools
import logging
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from core.clientaddr import _networks, _parse, _trusted, request_ip
from core.verbs import load_all

logger = logging.getLogger("baolife.metrics")
OTHER = "other"  # the label of a verb no app declares (a client may send any `type`)
FLUSH_SECONDS = 1.0


def directory() -> Path:
    """Where this deployment's processes keep their metrics."""
    configured = settings.PROMETHEUS_MULTIPROC_DIR
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"baolife-metrics-{settings.REDIS_KEY_PREFIX or 'local'}"


DIRECTORY = directory()


def _ensure_directory() -> None:
    """Create the directory; the default one, in the shared temp dir, only this user's (mode 0700, not a
    link, owned by us): another user's planted directory or links must not receive our writes."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        DIRECTORY.mkdir(parents=True, exist_ok=True)
        return
    DIRECTORY.mkdir(mode=0o700, exist_ok=True)
    found = os.lstat(DIRECTORY)
    if stat.S_ISLNK(found.st_mode) or found.st_uid != os.getuid():
        raise RuntimeError(f"{DIRECTORY} is not this user's directory: set PROMETHEUS_MULTIPROC_DIR")
    if found.st_mode & 0o077:
        os.chmod(DIRECTORY, 0o700)  # made by an older version, open to all


os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(DIRECTORY)
if not getattr(values.ValueClass, "_multiprocess", False):  # prometheus_client was imported before the variable
    values.ValueClass = values.MultiProcessValue()


class _Metrics:
    """Every metric, made once per process (`_metrics()`). registry=None: the values live in the files,
    and a scrape reads them through a collector of its own."""

    def __init__(self) -> None:
        self.verbs = Counter(
            "baolife_ws_verbs", "WebSocket frames answered, by verb and outcome", ["verb", "outcome"], registry=None
        )
        self.open_sockets = Gauge(
            "baolife_ws_open_sockets", "Open WebSockets", multiprocess_mode="livesum", registry=None
        )
        self.sockets_dropped = Counter(
            "baolife_ws_sockets_dropped",
            "Sockets dropped for not reading (slow_client: outbox full; stalled: a send waited too long)",
            ["reason"],
            registry=None,
        )
        self.tick = Histogram(
            "baolife_tick_seconds",
            "Duration of a game tick",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=None,
        )
        self.job_runs = Counter(
            "baolife_job_runs", "Periodic job runs, by job and outcome", ["job", "outcome"], registry=None
        )
        self.job_seconds = Histogram(
            "baolife_job_seconds",
            "Duration of a periodic job run",
            ["job"],
            buckets=(0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900),
            registry=None,
        )
        self.ledger_movements = Counter(
            "baolife_ledger_movements", "Committed diamond movements", ["reason", "direction"], registry=None
        )
        self.ledger_diamonds = Counter(
            "baolife_ledger_diamonds", "Diamonds moved by committed movements", ["reason", "direction"], registry=None
        )
        self.analytics_depth = Gauge(
            "baolife_analytics_buffer_depth",
            "Analytics events waiting to be written",
            multiprocess_mode="livesum",
            registry=None,
        )
        self.analytics_dropped = Counter(
            "baolife_analytics_dropped", "Analytics events dropped (buffer full)", registry=None
        )
        self.http = Counter(
            "baolife_http_requests", "HTTP requests, by route name and status", ["route", "status"], registry=None
        )


_made: _Metrics | None = None
_make_lock = threading.Lock()  # two metrics of one name in a process would overwrite each other's counts


def _metrics() -> _Metrics:
    global _made
    if _made is None:
        with _make_lock:
            if _made is None:
                _ensure_directory()
                mark_process_dead(os.getpid(), str(DIRECTORY))  # live gauges a dead process left under our id
                _made = _Metrics()
    return _made


# --- this process's counts not yet in the files (the flusher's) ------------------------------------
_lock = threading.Lock()
# (verb, outcome) -> a counter stepped once per frame, and once per flush that reads it (`next` is the
# only atomic read), so frames = its value - the flushes' reads. Keys: declared verbs (and `other`) only.
_verbs: dict[tuple[str, str], itertools.count] = {}
_verbs_reads: dict[tuple[str, str], int] = {}
_verbs_flushed: dict[tuple[str, str], int] = {}
_depth: int | None = None  # the analytics buffer's latest depth
_depth_flushed: int | None = None
_dropped = 0
_flush_lock = threading.Lock()  # one flush at a time: the thread's, the exit's, a scrape's
_flusher: threading.Thread | None = None


def verb_done(verb: str, outcome: str) -> None:
    """A frame was answered: `ok` or the error's code."""
    counter = _verbs.get((verb, outcome))
    next(counter if counter is not None else _verb_counter(verb, outcome))


def verb_counter(verb: str, outcome: str) -> Callable[[], object]:
    """`verb_done(verb, outcome)` as one C call, for a path counting one pair thousands of times a
    second (the socket's `ok`)."""
    return _verb_counter(verb, outcome).__next__


def _verb_counter(verb: str, outcome: str) -> itertools.count:
    """A pair not counted yet, or a verb no app declares: such frames count as `other`, and their text
    is never a key, so the counters stay as few as the labels."""
    if verb not in load_all():
        verb = OTHER
    with _lock:
        counter = _verbs.setdefault((verb, outcome), itertools.count())
    if _flusher is None:
        _start_flusher()
    return counter


def socket_opened() -> None:
    _metrics().open_sockets.inc()


def socket_closed() -> None:
    _metrics().open_sockets.dec()


def socket_dropped(reason: str) -> None:
    _metrics().sockets_dropped.labels(reason).inc()


def tick_seconds(seconds: float) -> None:
    _metrics().tick.observe(seconds)


def job_finished(job: str, outcome: str, seconds: float | None) -> None:
    """outcome: "ok", "failed" or "skipped" (a skip has no duration: it is not a sample of the job's)."""
    found = _metrics()
    found.job_runs.labels(job, outcome).inc()
    if seconds is not None:
        found.job_seconds.labels(job).observe(seconds)


def ledger_moved(reason: str, amount: int) -> None:
    """A committed movement: positive `amount` a credit, otherwise a debit (a clawback that found nothing
    to take is a debit of 0 diamonds)."""
    direction = "credit" if amount > 0 else "debit"
    found = _metrics()
    found.ledger_movements.labels(str(reason), direction).inc()
    found.ledger_diamonds.labels(str(reason), direction).inc(abs(amount))


def analytics_buffer_depth(depth: int) -> None:
    """Cheap enough for every event: the flusher writes the latest."""
    global _depth
    _depth = depth
    if _flusher is None:
        _start_flusher()


def analytics_dropped(count: int) -> None:
    global _dropped
    with _lock:
        _dropped += count
    if _flusher is None:
        _start_flusher()


def http_done(route: str, status: int) -> None:
    _metrics().http.labels(route, str(status)).inc()


# --- the flusher ----------------------------------------------------------------------------------
def flush() -> None:
    """Hand this process's pending counts to prometheus-client's files."""
    global _dropped, _depth_flushed
    with _flush_lock:
        with _lock:
            counters = list(_verbs.items())
            dropped, _dropped = _dropped, 0
            depth = _depth
        for key, counter in counters:
            reads = _verbs_reads.get(key, 0)
            frames = next(counter) - reads
            _verbs_reads[key] = reads + 1
            if frames != _verbs_flushed.get(key, 0):
                _metrics().verbs.labels(*key).inc(frames - _verbs_flushed.get(key, 0))
                _verbs_flushed[key] = frames
        if dropped:
            _metrics().analytics_dropped.inc(dropped)
        if depth is not None and depth != _depth_flushed:
            _metrics().analytics_depth.set(depth)
            _depth_flushed = depth


def _flush_loop() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        try:
            flush()
        except Exception:  # a full disk: the counts stay pending, the thread lives on
            logger.exception("metrics not flushed")


def _start_flusher() -> None:
    global _flusher
    with _lock:
        if _flusher is not None:
            return
        _flusher = threading.Thread(target=_flush_loop, name="metrics-flusher", daemon=True)
    _flusher.start()


def _after_fork() -> None:
    """A forked child (a Celery worker) counts for itself: what the parent counted is the parent's to
    write, so the child's counters start as written (they stay the same objects: a `verb_counter`
    holds on to its own); the flusher thread stays behind with the parent."""
    global _lock, _flush_lock, _make_lock, _flusher, _depth, _depth_flushed, _dropped
    _lock, _flush_lock, _make_lock = threading.Lock(), threading.Lock(), threading.Lock()
    for key, counter in _verbs.items():
        reads = _verbs_reads.get(key, 0)
        _verbs_flushed[key] = next(counter) - reads
        _verbs_reads[key] = reads + 1
    _depth, _depth_flushed, _dropped, _flusher = None, None, 0, None


os.register_at_fork(after_in_child=_after_fork)


def _at_exit() -> None:
    flush()
    if _made is not None:  # our live gauges stop counting (os.getpid() now: a fork's own id)
        mark_process_dead(os.getpid(), str(DIRECTORY))


atexit.register(_at_exit)


# --- a scrape -------------------------------------------------------------------------------------
def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # there, under another user
        return True
    return True


def forget_dead_processes() -> None:
    """Drop the live gauges of processes that ended without saying so (killed, crashed)."""
    for path in DIRECTORY.glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            mark_process_dead(int(pid), str(DIRECTORY))


class _WholeFiles(MultiProcessCollector):
    """The multiprocess collector, skipping a file too short to hold its header: a process killed while it
    created its file leaves it empty, and one such file would fail every scrape after it."""

    def collect(self) -> Any:
        files = [f for f in DIRECTORY.glob("*.db") if _size(f) >= 8]
        return self.merge([str(f) for f in files], accumulate=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone in between (a dead process's gauges removed)
        return 0


def scrape() -> tuple[bytes, str]:
    """Every process's metrics in the Prometheus text format: (body, content type)."""
    flush()
    _ensure_directory()
    forget_dead_processes()
    registry = CollectorRegistry()
    _WholeFiles(registry, path=str(DIRECTORY))
    return generate_latest(registry), CONTENT_TYPE_PLAIN_0_0_4  # what generate_latest writes


# --- who may scrape ------------------------------------------------------------------------------
_FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _from_allowed_address(request: HttpRequest) -> bool:
    """The client by core's rule (core/clientaddr.py): the peer, or behind a trusted proxy the
    rightmost untrusted hop. Core counts a forwarded IPv6 client by its /64: that whole /64 must lie
    in an allowed range. A peer that is the client is matched exactly."""
    allowed = _networks(tuple(settings.METRICS_ALLOWED_IPS))
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return False
    forwarded = any(request.META.get(h) for h in _FORWARDING_HEADERS)
    if _trusted(peer) != bool(request.META.get("HTTP_X_FORWARDED_FOR")) or (forwarded and not _trusted(peer)):
        # a proxy forwarded it (a proxy on this host is 127.0.0.1: the request is not local), or one of our
        # proxies did not say whose it is: no address decides; the bearer token still may
        return False
    if _trusted(peer):
        try:
            client = ipaddress.ip_network(request_ip(request), strict=False)
        except ValueError:
            return False
        return any(client.version == net.version and client.subnet_of(net) for net in allowed)  # type: ignore[arg-type]
    exact = peer.ipv4_mapped if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped else peer
    return any(exact in net for net in allowed)


def _bearer_matches(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False  # an empty METRICS_TOKEN matches nothing
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def may_scrape(request: HttpRequest) -> bool:
    """From METRICS_ALLOWED_IPS, or with `Authorization: Bearer <METRICS_TOKEN>`."""
    return _from_allowed_address(request) or _bearer_matches(request)

"""A periodic job runs once per period with real processes: two Celery beats send it, the worker running
it is killed (`kill -9`) in the middle of the run, and another worker takes the period over — one effect
per period, whatever number of sends, redeliveries and retries (core/jobs.py, core/jobclaims.py).

The job is core/tests/jobprobe.py's `test-probe` (a Celery app of its own: only that job in its beats,
its own queue and broker keys on the shared Redis); its effect is one file per run, named by period.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

from core.models import JobRun
from game.tests.test_server_process import _database_url

ROOT = Path(__file__).resolve().parents[2]
EVERY = 15  # seconds: the first period must hold the run, the kill, the redelivery and the takeover
LEASE = 4  # a run not finished after this long is presumed dead: longer than the run itself
PROBE_SLEEP = 3  # the run: it is killed during this sleep
VISIBILITY = 6  # a message held by the killed worker goes back to the queue after this long
TAKEOVER_ROOM = 9  # seconds the first period needs after its run started: the redelivery claims it in there

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.redis,
    pytest.mark.mysql,
    pytest.mark.skipif(
        not (django_settings.REDIS_URL and "mysql" in django_settings.DATABASES["default"]["ENGINE"]),
        reason="needs MariaDB (DATABASE_URL) and Redis (REDIS_URL): Celery processes on one database and broker",
    ),
]


def _effects(probe_dir: Path) -> Counter:
    """How many effects (files) each period has."""
    return Counter(int(path.name.split("-", 1)[0]) for path in probe_dir.iterdir()) if probe_dir.exists() else Counter()


def _wait_for(what: str, predicate, timeout: float, logs: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{_tails(logs)}")


def _tails(logs: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in sorted(logs.glob("*.log")))


def _row(**filters) -> JobRun | None:
    return JobRun.objects.filter(job="test-probe", **filters).order_by("period").first()


def test_a_killed_run_is_taken_over_and_every_period_has_one_effect(tmp_path: Path) -> None:
    token = uuid.uuid4().hex[:12]
    queue = f"jobprobe-{token}"
    keyprefix = f"{django_settings.REDIS_KEY_PREFIX}:jobprobe:{token}:"  # every broker key of this test
    probe_dir, logs = tmp_path / "effects", tmp_path / "logs"
    logs.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baolife.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "REDIS_KEY_PREFIX": django_settings.REDIS_KEY_PREFIX,
        "PROBE_DIR": str(probe_dir),
        "PROBE_EVERY": str(EVERY),
        "PROBE_LEASE": str(LEASE),
        "PROBE_SLEEP": str(PROBE_SLEEP),
        "PROBE_VISIBILITY": str(VISIBILITY),
        "PROBE_QUEUE": queue,
        "PROBE_KEYPREFIX": keyprefix,
    }
    procs: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> subprocess.Popen:
        with open(logs / f"{name}.log", "wb") as log:  # the child keeps its own descriptor
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "core.tests.jobprobe", *args, "--loglevel", "INFO"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches the pool's children too
            )
        procs.append(proc)
        return proc

    def worker(name: str) -> subprocess.Popen:
        return start(
            f"worker-{name}",
            "worker",
            "-Q",
            queue,
            "--concurrency",
            "2",
            "--prefetch-multiplier",
            "1",
            "-n",
            f"{name}-{token}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )

    def kill(proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

    try:
        worker_a = worker("a")
        log_a = logs / "worker-a.log"
        _wait_for("worker A", lambda: b" ready." in log_a.read_bytes(), 60, logs)
        # each beat sends at the start of every period (jobprobe.EveryPeriod): the first run comes early in
        # its period, which leaves the rest of it for the kill, the redelivery and the takeover
        for n in (1, 2):
            schedule, pidfile = str(tmp_path / f"beat-{n}.db"), str(tmp_path / f"beat-{n}.pid")
            start(f"beat-{n}", "beat", "--schedule", schedule, "--pidfile", pidfile)

        first = _wait_for("the first run", lambda: _row(status=JobRun.Status.RUNNING), EVERY + 20, logs)
        kill(worker_a)  # the run dies in its sleep, its message unacknowledged, its claim left `running`
        killed_at = time.time()
        period = first.period
        assert first.started_at.timestamp() - period * EVERY < EVERY - TAKEOVER_ROOM, (
            "the run started too late in its period for this test's timing"
        )
        assert not probe_dir.exists() or not _effects(probe_dir)[period], "the run finished before the kill"
        worker("b")

        done = _wait_for(
            f"period {period} done",
            lambda: _row(period=period, status=JobRun.Status.DONE),
            LEASE + VISIBILITY + PROBE_SLEEP + 15,
            logs,
        )
        done_after = time.time() - killed_at
        assert done.attempts >= 2, f"not taken over: {done.attempts} attempt(s)\n{_tails(logs)}"
        assert done.worker != first.worker, "the period was finished by the worker that was killed"
        assert _effects(probe_dir)[period] == 1, f"{_effects(probe_dir)}\n{_tails(logs)}"

        # the next period: both beats send it again, worker B runs it once
        nxt = _wait_for(
            f"period {period + 1} done",
            lambda: _row(period=period + 1, status=JobRun.Status.DONE),
            EVERY + PROBE_SLEEP + 10,
            logs,
        )
        assert nxt.attempts == 1, f"period {period + 1} was run {nxt.attempts} times"
        effects = _effects(probe_dir)
        assert effects[period] == 1 and effects[period + 1] == 1, effects
        assert max(effects.values()) == 1, f"a period with more than one effect: {effects}"
        for n in (1, 2):
            sent = (logs / f"beat-{n}.log").read_text(errors="replace").count("Sending due task test-probe")
            assert sent >= 2, f"beat {n} sent the probe {sent} time(s)\n{_tails(logs)}"
        print(f"period {period}: done {done_after:.1f} s after the kill, {done.attempts} attempts; effects {effects}")
    finally:
        for proc in procs:  # the whole group, the pool's children with it, whether its leader lives or not
            kill(proc)
        client = redis.Redis.from_url(django_settings.REDIS_URL)
        for key in client.scan_iter(match=f"{keyprefix}*"):  # the queue, unacknowledged messages, bindings
            client.delete(key)
        client.close()

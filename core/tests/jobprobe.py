"""A Celery app for core/tests/test_jobs_processes.py only: one periodic job, `test-probe`, whose effect is
a file per run. Started as `celery -A core.tests.jobprobe worker|beat` by that test; never imported by
the pytest process itself (importing it registers `test-probe` in core.jobs.PERIODIC_JOBS).

Environment: PROBE_DIR (where the effects go), PROBE_EVERY, PROBE_LEASE, PROBE_SLEEP (seconds),
PROBE_QUEUE (the queue, one per test run), PROBE_KEYPREFIX (kombu's prefix of every broker key, so the
test's queue, unacked messages and bindings are its own on a shared Redis and go with it),
PROBE_VISIBILITY (seconds before a message taken by a worker that never acknowledged it is delivered
again).
"""

import os
import socket
import time
import uuid
from pathlib import Path

import django
from celery import Celery, current_task
from celery.schedules import schedstate, schedule

from baolife.celery import app

django.setup()  # core.jobs imports the models; a tasks module is normally imported after the setup

from django.utils import timezone  # noqa: E402

from core import jobclaims  # noqa: E402
from core.jobs import periodic  # noqa: E402
from core.models import JobRun  # noqa: E402

NAME = "test-probe"
TASK = "core.tests.jobprobe.probe"
EVERY = float(os.environ.get("PROBE_EVERY", "30"))
LEASE = float(os.environ.get("PROBE_LEASE", "4"))
PROBE_SLEEP = float(os.environ.get("PROBE_SLEEP", "3"))
PROBE_DIR = Path(os.environ.get("PROBE_DIR", "/tmp/jobprobe"))
VISIBILITY = float(os.environ.get("PROBE_VISIBILITY", "6"))
QUEUE = os.environ.get("PROBE_QUEUE", "jobprobe")
KEYPREFIX = os.environ.get("PROBE_KEYPREFIX", "jobprobe:")

app.conf.update(
    task_default_queue=QUEUE,
    broker_transport_options={
        "visibility_timeout": VISIBILITY,
        "global_keyprefix": KEYPREFIX,
        # kombu restores unacknowledged messages older than visibility_timeout only in a sweep that
        # runs every unacked_restore_interval seconds and scans Redis on every unacked_restore_throttle-th
        # call (10 x 10 s by default): every second here, so worker B redelivers what A held soon.
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    },
    result_backend="disabled",  # nothing to read back; no result keys left on the shared Redis
    task_ignore_result=True,
    result_expires=None,  # nor beat's daily celery.backend_cleanup: the probe is all its beats send
    worker_enable_remote_control=False,  # no pidbox fanout on the shared Redis
    worker_send_task_events=False,
)


def _claimed_period() -> int:
    """The period run_once claimed for this run: the retry's `_period`, else the period of the moment
    run_once computed it, just before this body started (the one before if a boundary fell in between)."""
    given = current_task.request.kwargs.get("_period") if current_task else None
    if given is not None:
        return int(given)
    period = jobclaims.period_of(EVERY, timezone.now())
    ours = JobRun.objects.filter(
        job=NAME,
        period=period,
        status=JobRun.Status.RUNNING,
        worker__startswith=f"{socket.gethostname()[:60]}:{os.getpid()}:",
    )
    return period if ours.exists() else period - 1


@app.task(name=TASK)
@periodic(NAME, every_seconds=EVERY, lease_seconds=LEASE)
def probe() -> str:
    period = _claimed_period()
    time.sleep(PROBE_SLEEP)
    PROBE_DIR.mkdir(parents=True, exist_ok=True)
    (PROBE_DIR / f"{period}-{uuid.uuid4().hex}").write_text(f"{socket.gethostname()} pid={os.getpid()}\n")
    return "ok"


class EveryPeriod(schedule):
    """Every EVERY seconds, at the start of each period as core.jobclaims counts them (a plain interval
    sends first one interval after the beat starts, wherever that falls in a period): a send then comes
    early in its period, and the test has the rest of it to kill the run and see it taken over."""

    def is_due(self, last_run_at):
        now = self.maybe_make_aware(self.now())
        current = jobclaims.period_of(EVERY, now)
        next_check = (current + 1) * EVERY - now.timestamp()
        due = jobclaims.period_of(EVERY, self.maybe_make_aware(last_run_at)) < current
        return schedstate(due, max(next_check, 0.01))


@app.on_after_finalize.connect
def _only_the_probe(sender: Celery, **kwargs: object) -> None:
    # connected after baolife.celery's receiver (which schedules every game job): its beats send the probe only
    sender.conf.beat_schedule = {NAME: {"task": TASK, "schedule": EveryPeriod(EVERY)}}

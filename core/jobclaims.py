"""Exactly one run of a periodic job per period, whoever asks: two beats, a retried task, a task
redelivered after its worker was killed (`acks_late`), or the embedded scheduler.

A run first claims (job, period) with a row in `job_runs` (unique): the first insert wins. Another
request for the same period finds the row and
- `done`: does nothing (the period has had its effect);
- `running` within its lease: is busy — Celery retries it later for the same period, in case the
  running one dies; the embedded scheduler tries again when the lease ends;
- `running` past its lease, or `failed`: takes the period over (one conditional UPDATE decides who).
Runs of earlier periods left `running` past their lease are marked `abandoned`: every job's body is a
catch-up (it does whatever is due), so the next run did their work.

The job bodies are idempotent as well (docs/operations.md): a worker killed after the effect but before
`done` is written runs the body again, and that second run changes nothing.
"""

import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.models import JobRun


def _holder() -> str:
    """Who holds a claim: this host and process, and a token of this attempt (a prefork pool's children
    share their parent's import, and a container may reuse a host name and pid)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(6)}"


@dataclass(frozen=True)
class Claimed:
    """The period is ours to run; `holder` marks this attempt's row."""

    job: str
    period: int
    holder: str


@dataclass(frozen=True)
class Busy:
    """Another run holds this period; try again in `retry_in` seconds."""

    job: str
    period: int
    retry_in: float


@dataclass(frozen=True)
class Skipped:
    """This period's run is done already."""

    job: str
    period: int


def period_of(every_seconds: float, now: datetime, offset_seconds: float = 0.0) -> int:
    """The number of the period `now` falls in: periods of `every_seconds` from the epoch, shifted by
    `offset_seconds` (a daily job at 02:00 UTC: 86400 and 7200)."""
    return int((now.timestamp() - offset_seconds) // every_seconds)


def claim(job: str, period: int, lease_seconds: float, now: datetime | None = None) -> Claimed | Busy | Skipped:
    """Claim (job, period) for this run: `Claimed` when it is ours to run, else why not."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=lease_seconds)
    holder = _holder()
    try:
        with transaction.atomic():
            JobRun.objects.create(job=job, period=period, started_at=now, lease_until=lease, worker=holder)
    except IntegrityError:
        pass
    else:
        JobRun.objects.filter(job=job, period__lt=period, status=JobRun.Status.RUNNING, lease_until__lt=now).update(
            status=JobRun.Status.ABANDONED, finished_at=now
        )
        return Claimed(job, period, holder)
    row = JobRun.objects.filter(job=job, period=period).values("status", "lease_until").first()
    if row is None:  # pragma: no cover - the row that refused the insert was purged in between
        return claim(job, period, lease_seconds, now)
    if row["status"] in (JobRun.Status.DONE, JobRun.Status.ABANDONED):  # abandoned: a later run did its work
        return Skipped(job, period)
    if row["status"] == JobRun.Status.RUNNING and row["lease_until"] > now:
        return Busy(job, period, retry_in=(row["lease_until"] - now).total_seconds() + 1)
    taken = JobRun.objects.filter(
        job=job,
        period=period,
        status=row["status"],
        lease_until=row["lease_until"],
    ).update(
        status=JobRun.Status.RUNNING,
        started_at=now,
        lease_until=lease,
        attempts=F("attempts") + 1,
        worker=holder,
        finished_at=None,
    )
    if taken:
        return Claimed(job, period, holder)
    return Busy(job, period, retry_in=1.0)  # another run took it over at the same moment


def finish(claimed: Claimed, *, ok: bool, result: Any) -> None:
    """Close this attempt's claim (not another's that took the period over after our lease ran out)."""
    JobRun.objects.filter(job=claimed.job, period=claimed.period, worker=claimed.holder).update(
        status=JobRun.Status.DONE if ok else JobRun.Status.FAILED,
        finished_at=timezone.now(),
        result=repr(result)[:500],
    )


def run_claimed(job: str, period: int, lease_seconds: float, body: Callable[[], Any]) -> Any:
    """Run `body` if (job, period) is ours; return its result, or the Busy / Skipped that stopped it."""
    claimed = claim(job, period, lease_seconds)
    if not isinstance(claimed, Claimed):
        return claimed
    try:
        result = body()
    except BaseException as exc:
        finish(claimed, ok=False, result=exc)
        raise
    finish(claimed, ok=True, result=result)
    return result


def purge(*, older_than_days: int = 7) -> int:
    """Claims are needed for a period and a little after: older ones go."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    return JobRun.objects.filter(started_at__lt=cutoff).exclude(status=JobRun.Status.RUNNING).delete()[0]

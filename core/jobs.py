"""The periodic jobs: each app declares its own next to its tasks; Celery beat (production) or the
in-process scheduler (embedded default) runs them.

In an app's `tasks.py`:

    @shared_task
    @periodic("purge-expired-tokens", every_seconds=3600)
    def purge_expired_tokens() -> int:
        return tokens.purge_expired_tokens()

Each job runs once per period (core/jobclaims.py: a claim in the database, whatever number of beats,
retries and redeliveries), is timed by the performance monitor and counted in /metrics. Its body calls
one service and is idempotent as well, so a run repeated after a crash changes nothing.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from celery import current_task
from celery.schedules import schedstate, schedule
from django.utils import timezone

from core import jobclaims, metrics, perf
from core.discovery import import_from_every_app

BUSY_RETRIES = 30  # a duplicate waits this many times for the run that holds its period


@dataclass(frozen=True)
class PeriodicJob:
    task: str  # the Celery task's name (its dotted path)
    every_seconds: float
    lease_seconds: float  # a run not finished after this long is presumed dead and may be taken over
    offset_seconds: float = 0.0  # periods start this long after the epoch's multiples (a daily job at 02:00)


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic(
    name: str, *, every_seconds: float, lease_seconds: float | None = None, offset_seconds: float = 0.0
) -> Callable[[Callable], Callable]:
    """Schedule the task made of this function (under `@shared_task`) every `every_seconds` as `name`,
    each period run once.

    It goes under `@shared_task`, on the plain function, so declaring a job never touches the Celery
    app (reading a task's name would finalize the app in the middle of importing the tasks).
    """
    lease = float(lease_seconds or min(1800.0, max(60.0, every_seconds / 2)))

    def register(fn: Callable) -> Callable:
        task = f"{fn.__module__}.{fn.__name__}"  # Celery's own name for a shared_task
        if name in PERIODIC_JOBS and PERIODIC_JOBS[name].task != task:
            raise RuntimeError(f"periodic job {name!r} declared twice")
        PERIODIC_JOBS[name] = PeriodicJob(
            task=task, every_seconds=float(every_seconds), lease_seconds=lease, offset_seconds=float(offset_seconds)
        )

        @wraps(fn)
        def once_per_period(*args: Any, _period: int | None = None, **kwargs: Any) -> Any:
            return run_once(name, fn, args, kwargs, period=_period)

        return once_per_period

    return register


def run_once(name: str, fn: Callable, args: tuple, kwargs: dict, *, period: int | None = None) -> Any:
    """Claim this period of job `name` and run `fn`; a duplicate returns what stopped it (a Celery
    duplicate while the period is held is retried later for that same period)."""
    job = PERIODIC_JOBS[name]
    if period is None:
        period = jobclaims.period_of(job.every_seconds, timezone.now(), job.offset_seconds)
    claimed = jobclaims.claim(name, period, job.lease_seconds)
    if isinstance(claimed, jobclaims.Skipped):
        metrics.job_finished(name, "skipped", None)
        return {"skipped": "done", "period": period}
    if isinstance(claimed, jobclaims.Busy):
        metrics.job_finished(name, "skipped", None)
        if current_task and not current_task.request.called_directly:  # a proxy: false outside a task
            raise current_task.retry(
                countdown=claimed.retry_in, kwargs={**kwargs, "_period": period}, max_retries=BUSY_RETRIES
            )
        return {"busy": True, "period": period, "retry_in": claimed.retry_in}
    started = time.perf_counter()
    try:
        with perf.timed(f"job:{name}", period=period):  # only runs that ran: a skip is no 0 s sample
            result = fn(*args, **kwargs)
    except BaseException as exc:
        jobclaims.finish(claimed, ok=False, result=exc)
        metrics.job_finished(name, "failed", time.perf_counter() - started)
        raise
    jobclaims.finish(claimed, ok=True, result=result)
    metrics.job_finished(name, "ok", time.perf_counter() - started)
    return result


def periodic_jobs() -> dict[str, PeriodicJob]:
    """Every app's periodic jobs (importing each installed app's `tasks` module once)."""
    import_from_every_app("tasks")
    return PERIODIC_JOBS


class PeriodSchedule(schedule):
    """Due at the start of each period as the claims count them (core/jobclaims.py), not one interval after
    beat started: a beat restarted every release would otherwise never reach a daily job's first run."""

    def __init__(
        self, run_every: Any, offset_seconds: float = 0.0, relative: bool = False, nowfun: Any = None, app: Any = None
    ) -> None:
        super().__init__(run_every, relative=relative, nowfun=nowfun, app=app)
        self.offset_seconds = offset_seconds

    def is_due(self, last_run_at: Any) -> schedstate:
        every = self.run_every.total_seconds()
        now = self.maybe_make_aware(self.now())
        current = jobclaims.period_of(every, now, self.offset_seconds)
        due = jobclaims.period_of(every, self.maybe_make_aware(last_run_at), self.offset_seconds) < current
        return schedstate(due, max((current + 1) * every + self.offset_seconds - now.timestamp(), 0.01))

    def __reduce__(self) -> tuple:
        return self.__class__, (self.run_every, self.offset_seconds, self.relative, self.nowfun)


def beat_schedule() -> dict[str, dict]:
    return {
        name: {"task": job.task, "schedule": PeriodSchedule(job.every_seconds, job.offset_seconds)}
        for name, job in periodic_jobs().items()
    }

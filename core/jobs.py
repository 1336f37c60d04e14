"""The periodic jobs: each app declares its own next to its tasks; Celery beat (production) or the
in-process scheduler (embedded default) runs them.

In an app's `tasks.py`:

    @shared_task
    @periodic("purge-expired-tokens", every_seconds=3600)
    def purge_expired_tokens() -> int:
        return tokens.purge_expired_tokens()

Each job's body calls one service and is idempotent, so an extra or overlapping run changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from core.discovery import import_from_every_app


@dataclass(frozen=True)
class PeriodicJob:
    task: str  # the Celery task's name (its dotted path)
    every_seconds: float


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every_seconds: float) -> Callable[[Callable], Callable]:
    """Schedule the task made of this function (under `@shared_task`) every `every_seconds` as `name`.

    It goes under `@shared_task`, on the plain function, so declaring a job never touches the Celery
    app (reading a task's name would finalize the app in the middle of importing the tasks).
    """

    def register(fn: Callable) -> Callable:
        task = f"{fn.__module__}.{fn.__name__}"  # Celery's own name for a shared_task
        if name in PERIODIC_JOBS and PERIODIC_JOBS[name].task != task:
            raise RuntimeError(f"periodic job {name!r} declared twice")
        PERIODIC_JOBS[name] = PeriodicJob(task=task, every_seconds=float(every_seconds))
        return fn

    return register


def periodic_jobs() -> dict[str, PeriodicJob]:
    """Every app's periodic jobs (importing each installed app's `tasks` module once)."""
    import_from_every_app("tasks")
    return PERIODIC_JOBS


def beat_schedule() -> dict[str, dict]:
    return {name: {"task": job.task, "schedule": job.every_seconds} for name, job in periodic_jobs().items()}

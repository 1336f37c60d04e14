"""The periodic jobs: one table, scheduled by Celery beat (production) or in-process (embedded).

Each job is a Celery task defined in its app's `tasks.py`; its body calls one service and is
idempotent, so an extra or overlapping run changes nothing.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    task: str  # dotted path of the Celery task
    every_seconds: float


PERIODIC_JOBS: dict[str, PeriodicJob] = {
    "purge-expired-tokens": PeriodicJob("game.tasks.purge_expired_tokens", 3600),
}


def beat_schedule() -> dict[str, dict]:
    return {name: {"task": job.task, "schedule": job.every_seconds} for name, job in PERIODIC_JOBS.items()}

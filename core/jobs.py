"""The periodic jobs: one table, scheduled by Celery beat (production) or in-process (embedded).

Each job is a Celery task defined in its app's `tasks.py`; its body calls one service and is
idempotent, so an extra or overlapping run changes nothing.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PeriodicJob:
    task: str  # dotted path of the Celery task
    every_seconds: float


PERIODIC_JOBS: dict[str, PeriodicJob] = {
    "game-tick": PeriodicJob("game.tasks.game_tick", settings.GAME_TICK_SECONDS),
    "purge-expired-tokens": PeriodicJob("accounts.tasks.purge_expired_tokens", 3600),
    "purge-offline-events": PeriodicJob("game.tasks.purge_offline_events", 3600),
    "reconcile-diamonds": PeriodicJob("monetization.tasks.reconcile_balances", 24 * 3600),
    "purge-idempotency-records": PeriodicJob("monetization.tasks.purge_idempotency_records", 3600),
    "poll-google-voided": PeriodicJob("monetization.tasks.poll_google_voided_purchases", 3600),
    "retry-google-acknowledgements": PeriodicJob("monetization.tasks.retry_unacknowledged_google_purchases", 900),
}


def beat_schedule() -> dict[str, dict]:
    return {name: {"task": job.task, "schedule": job.every_seconds} for name, job in PERIODIC_JOBS.items()}

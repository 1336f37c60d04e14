"""Analytics' periodic jobs: each calls one service."""

from celery import shared_task

from analytics.services import buffer, rollup, sessions
from core.jobs import periodic


@shared_task
@periodic("analytics-flush", every_seconds=300)
def flush_analytics() -> dict[str, int]:
    """End the sessions of processes that died; write what this worker recorded (its ticks' events)."""
    return {"sessions_ended": sessions.end_timed_out(), "events_written": buffer.flush()}


@shared_task
@periodic("analytics-rollup", every_seconds=24 * 3600)
def roll_up_analytics() -> dict[str, int]:
    return rollup.roll_up()

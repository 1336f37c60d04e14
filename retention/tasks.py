"""Retention's periodic jobs: each calls one service."""

from celery import shared_task

from core.jobs import periodic
from retention.services import quests


@shared_task
@periodic("daily-quests-reset", every_seconds=3600)
def daily_quests_reset() -> int:
    """Hourly: some player's midnight passes every hour (days are the players' own)."""
    return quests.reset()

"""The game's periodic jobs (scheduled in core/jobs.py)."""

from celery import shared_task

from game.services import accounts


@shared_task
def purge_expired_tokens() -> int:
    return accounts.purge_expired_tokens()

"""The accounts' periodic jobs (scheduled in core/jobs.py)."""

from celery import shared_task

from accounts.services import tokens


@shared_task
def purge_expired_tokens() -> int:
    return tokens.purge_expired_tokens()

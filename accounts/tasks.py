"""The accounts' periodic jobs: each calls one service."""

from celery import shared_task

from accounts.services import tokens
from core.jobs import periodic


@shared_task
@periodic("purge-expired-tokens", every_seconds=3600)
def purge_expired_tokens() -> int:
    return tokens.purge_expired_tokens()

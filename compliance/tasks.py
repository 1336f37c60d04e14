"""Compliance's tasks: the daily hard deletion (02:00 UTC), exports prepared off the sockets, their sweep."""

from celery import shared_task
from django.contrib.sessions.backends.db import SessionStore as WebSessionStore

from compliance.services import deletion, exports
from core.jobs import periodic

DAY = 24 * 3600


@shared_task
@periodic("hard-delete-accounts", every_seconds=DAY, offset_seconds=2 * 3600, lease_seconds=1800)
def hard_delete_accounts() -> dict:
    """Erase the accounts whose grace period is over (idempotent, resumable: docs/privacy.md)."""
    return deletion.run_due()


@shared_task(acks_late=True)
def prepare_export(export_id: int) -> str:
    return exports.prepare(export_id=export_id)


@shared_task
@periodic("exports-sweep", every_seconds=300)
def exports_sweep() -> dict:
    """Prepare exports whose task was lost, empty the expired ones."""
    return exports.sweep()


@shared_task
@periodic("purge-web-sessions", every_seconds=DAY, offset_seconds=3 * 3600)
def purge_web_sessions() -> str:
    """Expired browser sessions (they hold a user id): Django's `clearsessions`, daily."""
    WebSessionStore.clear_expired()
    return "cleared"

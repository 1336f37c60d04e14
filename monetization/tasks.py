"""The economy's periodic and retried jobs: each calls one service."""

from celery import shared_task

from core.jobs import periodic
from monetization.services import idempotency, reconciliation, store_sync


@shared_task
@periodic("reconcile-diamonds", every_seconds=24 * 3600)
def reconcile_balances() -> int:
    return len(reconciliation.reconcile())


@shared_task
@periodic("purge-idempotency-records", every_seconds=3600)
def purge_idempotency_records() -> int:
    return idempotency.purge_expired()


@shared_task(bind=True, max_retries=8, default_retry_delay=60)
def acknowledge_google_purchase(self, transaction_id: str) -> bool:
    """Acknowledge a Play purchase (unacknowledged ones are refunded by Google after 3 days); retried."""
    try:
        return store_sync.acknowledge_google(transaction_id=transaction_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task
@periodic("poll-google-voided", every_seconds=3600)
def poll_google_voided_purchases() -> int:
    return store_sync.poll_google_voided()


@shared_task
@periodic("retry-google-acknowledgements", every_seconds=900)
def retry_unacknowledged_google_purchases() -> int:
    return store_sync.acknowledge_pending_google()

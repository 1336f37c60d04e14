"""The economy's periodic and retried jobs (scheduled in core/jobs.py)."""

from celery import shared_task


@shared_task
def reconcile_balances() -> int:
    from monetization.services.reconciliation import reconcile

    return len(reconcile())


@shared_task
def purge_idempotency_records() -> int:
    from monetization.services.idempotency import purge_expired

    return purge_expired()


@shared_task(bind=True, max_retries=8, default_retry_delay=60)
def acknowledge_google_purchase(self, transaction_id: str) -> bool:  # noqa: ANN001
    """Acknowledge a Play purchase (unacknowledged ones are refunded by Google after 3 days); retried."""
    from monetization.services.store_sync import acknowledge_google

    try:
        return acknowledge_google(transaction_id=transaction_id)
    except Exception as exc:  # noqa: BLE001 - retry any failure of the store call
        raise self.retry(exc=exc) from exc


@shared_task
def poll_google_voided_purchases() -> int:
    from monetization.services.store_sync import poll_google_voided

    return poll_google_voided()


@shared_task
def retry_unacknowledged_google_purchases() -> int:
    from monetization.services.store_sync import acknowledge_pending_google

    return acknowledge_pending_google()

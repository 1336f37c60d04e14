"""Keeping our records in step with the stores: acknowledgements, refund notifications, voided purchases."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from analytics.services.events import record
from monetization.models import DiamondTransaction, ProcessedTransaction, StoreNotification
from monetization.services import ledger, stores

logger = logging.getLogger("baolife.economy")
REFUND_TYPES = {"REFUND", "REVOKE"}
Reason = DiamondTransaction.Reason
_VOIDED_CURSOR = "google:voided-cursor-ms"


def acknowledge_google(*, transaction_id: str) -> bool:
    row = ProcessedTransaction.objects.filter(store="google", transaction_id=transaction_id).first()
    if row is None or row.acknowledged_at is not None:
        return False
    stores.google().acknowledge(row.product_id, row.purchase_token)
    ProcessedTransaction.objects.filter(pk=row.pk).update(acknowledged_at=timezone.now())
    return True


def acknowledge_pending_google() -> int:
    """Retry acknowledgements that never went through (the safety net behind the per-purchase task)."""
    if not getattr(settings, "GOOGLE_PLAY_PACKAGE_NAME", ""):
        return 0
    done = 0
    for transaction_id in ProcessedTransaction.objects.filter(
        store="google", acknowledged_at__isnull=True, created_at__lt=timezone.now() - timedelta(minutes=5)
    ).values_list("transaction_id", flat=True)[:500]:
        try:
            done += acknowledge_google(transaction_id=transaction_id)
        except Exception:
            logger.warning("acknowledgement of %s failed; will retry", transaction_id)
    return done


def handle_apple_notification(*, signed_payload: str) -> str:
    """Verify an App Store Server Notification V2 and apply it once; returns what was done."""
    note = stores.apple().verify_notification(signed_payload)
    try:
        with transaction.atomic():
            StoreNotification.objects.create(
                notification_uuid=note.notification_uuid,
                store="apple",
                notification_type=note.notification_type,
                transaction_id=note.transaction.transaction_id if note.transaction else "",
            )
            if note.notification_type in REFUND_TYPES and note.transaction is not None:
                refunded = refund_store_transaction(
                    store="apple", transaction_id=note.transaction.transaction_id, reason=note.notification_type
                )
                return "refunded" if refunded else "nothing to refund"
    except IntegrityError:
        return "duplicate"
    return "ignored"


def poll_google_voided() -> int:
    """Claw back purchases Google reports as voided since the last poll (each once)."""
    if not getattr(settings, "GOOGLE_PLAY_PACKAGE_NAME", ""):
        return 0  # Google Play is not configured on this deployment
    now_ms = int(timezone.now().timestamp() * 1000)
    since = cache.get(_VOIDED_CURSOR) or now_ms - 30 * 24 * 3600 * 1000
    refunded = 0
    for voided in stores.google().voided_since(since):
        if refund_store_transaction(store="google", transaction_id=voided.order_id, reason="voided"):
            refunded += 1
    cache.set(_VOIDED_CURSOR, now_ms - 60_000, timeout=None)
    return refunded


def refund_store_transaction(*, store: str, transaction_id: str, reason: str) -> bool:
    """Claw back a refunded purchase's diamonds once; spent diamonds become debt. True if done now."""
    row = ProcessedTransaction.objects.filter(store=store, transaction_id=transaction_id).first()
    if row is None:
        return False
    if row.player_id is None:  # the account was erased: no diamonds left to take back; the refund is recorded
        ProcessedTransaction.objects.filter(pk=row.pk, refunded_at__isnull=True).update(refunded_at=timezone.now())
        return False
    with transaction.atomic():
        done = ledger.diamonds_clawback(
            player_id=row.player_id,
            amount=row.diamonds,
            reason=Reason.REFUND,
            reference=f"{store}:{transaction_id}",
            dedupe_key=f"refund:{store}:{transaction_id}",
        )
        if done is None:
            return False
        ProcessedTransaction.objects.filter(pk=row.pk).update(refunded_at=timezone.now())
        record("refund", player_id=row.player_id, product_id=row.product_id, platform=store, diamonds=row.diamonds)
    return True

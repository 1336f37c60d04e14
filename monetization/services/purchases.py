"""Buying diamonds in the stores: verify the receipt with the store, grant once per transaction.

What the game sells for diamonds (energy refills, time skips) is the game's: game/services/purchases.py.
"""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from analytics.services.events import record
from core.errors import GameError
from core.ratelimit import limit
from monetization.catalog import catalog
from monetization.models import DiamondTransaction, ProcessedTransaction
from monetization.services import ledger, stores
from monetization.stores.base import PurchasePending, ReceiptInvalid, StoreUnavailable, VerifiedPurchase
from monetization.tasks import acknowledge_google_purchase

Reason = DiamondTransaction.Reason
RETRY_STORE_SECONDS = 30


def grant_store_purchase(*, player_id: int, purchase: VerifiedPurchase, purchase_token: str = "") -> dict[str, Any]:
    """Grant a verified store purchase once per (store, transaction id), whoever sends it and how often."""
    pack = catalog().pack(purchase.product_id)
    if pack is None:
        raise GameError("invalid_receipt", "This product is not a diamond pack.")
    existing = ProcessedTransaction.objects.filter(store=purchase.store, transaction_id=purchase.transaction_id).first()
    if existing is not None:
        return _already_processed(existing, player_id)
    diamonds = pack.diamonds * max(1, purchase.quantity)
    try:
        with transaction.atomic():
            grant = ledger.diamonds_credit(
                player_id=player_id,
                amount=diamonds,
                reason=Reason.PURCHASE,
                reference=f"{purchase.store}:{purchase.transaction_id}",
                dedupe_key=f"store:{purchase.store}:{purchase.transaction_id}",
                note="sandbox (no revenue)" if purchase.is_sandbox else "",
            )
            if grant is None:
                raise IntegrityError("already granted")
            ProcessedTransaction.objects.create(
                store=purchase.store,
                transaction_id=purchase.transaction_id,
                original_transaction_id=purchase.original_transaction_id or "",
                purchase_token=purchase_token,
                player_id=player_id,
                product_id=purchase.product_id,
                diamonds=diamonds,
                price_cents=pack.price_cents * max(1, purchase.quantity),
                environment=purchase.environment,
                counts_as_revenue=not purchase.is_sandbox,
                grant=grant,
            )
            cents = pack.price_cents * max(1, purchase.quantity)
            record(
                "purchase",
                player_id=player_id,
                product_id=purchase.product_id,
                platform=purchase.store,
                diamonds=diamonds,
                price=f"{cents // 100}.{cents % 100:02d}",
                currency="USD",  # the catalog prices packs in US cents
                sandbox=purchase.is_sandbox,
            )
    except IntegrityError:
        existing = ProcessedTransaction.objects.filter(
            store=purchase.store, transaction_id=purchase.transaction_id
        ).first()
        if existing is None:
            raise
        return _already_processed(existing, player_id)
    balance = ledger.balance(player_id=player_id)
    return {"diamonds": balance.diamonds, "granted": diamonds, "sandbox": purchase.is_sandbox}


def _already_processed(row: ProcessedTransaction, player_id: int) -> dict[str, Any]:
    if row.player_id != player_id:
        raise GameError("invalid_receipt", "This purchase was already redeemed by another account.")
    return {
        "diamonds": ledger.balance(player_id=player_id).diamonds,
        "granted": 0,
        "sandbox": not row.counts_as_revenue,
    }


def verify_store_purchase(
    *, player_id: int, platform: str, product_id: str, signed_transaction: str | None, purchase_token: str | None
) -> VerifiedPurchase:
    """Ask the store (Apple's signature chain, Google's API). No database: callers run it off the
    sockets' database thread, so a slow store stalls nobody else. At most
    STORE_VERIFICATIONS_PER_MINUTE per player: every call may spend the app's store API quota."""
    per_minute = settings.STORE_VERIFICATIONS_PER_MINUTE
    limit(f"store-verify:{player_id}", capacity=per_minute, rate=per_minute / 60)
    try:
        if platform == "apple":
            purchase = stores.apple().verify_transaction(signed_transaction or "")
        else:
            purchase = stores.google().verify(product_id, purchase_token or "")
    except PurchasePending as exc:
        raise GameError(
            "invalid_receipt", "The purchase is pending; diamonds arrive once it is paid.", pending=True
        ) from exc
    except ReceiptInvalid as exc:
        raise GameError("invalid_receipt", f"The receipt failed verification: {exc.reason}.") from exc
    except StoreUnavailable as exc:  # not the player's fault: the client retries
        raise GameError(
            "unavailable", "The store could not be reached; try again shortly.", retry_after=RETRY_STORE_SECONDS
        ) from exc
    if purchase.product_id != product_id:
        raise GameError("invalid_receipt", "The receipt is for another product.")
    return purchase


def redeem_store_purchase(*, player_id: int, purchase: VerifiedPurchase, purchase_token: str = "") -> dict[str, Any]:
    """Grant a verified purchase (once) and, for Google, acknowledge it after commit."""
    reply = grant_store_purchase(player_id=player_id, purchase=purchase, purchase_token=purchase_token)
    if purchase.store == "google":
        transaction.on_commit(lambda: acknowledge_google_purchase.delay(purchase.transaction_id), robust=True)
    return reply

"""Spending diamonds in the game (energy refills, time skips) and buying them in the stores.

Every purchase runs once per idempotency key (a repeat gets the first reply), counts against
the per-player rate limit, and in one transaction locks the life, then the player (ledger),
charges and delivers.
"""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import GameError
from core.ratelimit import limit, limited
from game import selectors
from game.services import energy, life, timeskip
from monetization.catalog import catalog
from monetization.models import DiamondTransaction, EnergyRefillPurchase, ProcessedTransaction, TimeSkipPurchase
from monetization.services import idempotency, ledger, stores
from monetization.stores.base import PurchasePending, ReceiptInvalid, StoreUnavailable, VerifiedPurchase

Reason = DiamondTransaction.Reason
RETRY_STORE_SECONDS = 30


def _rate_limit(player_id: int, kind: str):  # noqa: ANN202 - a context manager
    """The per-player purchase limit, counting only purchases that go through (docs/economy.md)."""
    rule = catalog().purchase_limits[kind]
    return limited(f"buy:{kind}:{player_id}", capacity=rule.count, rate=rule.count / rule.per_seconds)


def purchase_energy_refill(*, player_id: int, refill_type: str, idempotency_key: str | None = None) -> dict[str, Any]:
    item = catalog().energy_refills.get(refill_type)
    if item is None:
        raise GameError("bad_request", f"No refill {refill_type!r}.", fields=["refill_type"])

    def buy() -> dict[str, Any]:
        # here, so a duplicate waiting on its key is not counted; a refusal inside is not counted either
        with _rate_limit(player_id, "energy_refill"):
            return _refill(player_id=player_id, refill_type=refill_type, item=item)

    return idempotency.run_once(
        player_id=player_id, key=idempotency_key, verb="purchase_energy_refill", params={"refill_type": refill_type},
        fn=buy,
    )


def purchase_time_skip(*, player_id: int, skip_type: str, idempotency_key: str | None = None) -> dict[str, Any]:
    item = catalog().time_skips.get(skip_type)
    if item is None:
        raise GameError("bad_request", f"No time skip {skip_type!r}.", fields=["skip_type"])

    def buy() -> dict[str, Any]:
        with _rate_limit(player_id, "time_skip"):
            return _skip(player_id=player_id, skip_type=skip_type, item=item)

    return idempotency.run_once(
        player_id=player_id, key=idempotency_key, verb="purchase_time_skip", params={"skip_type": skip_type}, fn=buy
    )


def _refill(*, player_id: int, refill_type: str, item: Any) -> dict[str, Any]:
    now = timezone.now()
    character = life.living_character(player_id=player_id)
    energy_before = float(character.state["energy"])
    charge = ledger.diamonds_spend(
        player_id=player_id, amount=item.price, reason=Reason.ENERGY_REFILL, reference=f"refill:{refill_type}"
    )
    until = None
    if item.unlimited_hours:
        until = energy.extend_unlimited(player_id=player_id, hours=item.unlimited_hours, now=now)
    new_energy = energy.add_energy(character=character, amount=item.energy, now=now)
    EnergyRefillPurchase.objects.create(
        player_id=player_id,
        refill_type=refill_type,
        price=item.price,
        energy_before=energy_before,
        energy_after=new_energy,
        unlimited_energy_until=until,
        transaction=charge,
    )
    until = until or energy.unlimited_until(player_id=player_id, now=now)
    return {
        "energy": new_energy,
        "diamonds": charge.balance_after,
        "unlimited_energy_until": until.isoformat() if until else None,
    }


def _skip(*, player_id: int, skip_type: str, item: Any) -> dict[str, Any]:
    character = life.living_character(player_id=player_id)
    charge = ledger.diamonds_spend(
        player_id=player_id, amount=item.price, reason=Reason.TIME_SKIP, reference=f"skip:{skip_type}"
    )
    skip = timeskip.skip_time(character=character, seconds=None if skip_type == "next_event" else item.seconds)
    TimeSkipPurchase.objects.create(
        player_id=player_id,
        skip_type=skip_type,
        price=item.price,
        skipped_seconds=skip.skipped_seconds,
        summary=skip.summary,
        transaction=charge,
    )
    return {
        "skipped_seconds": skip.skipped_seconds,
        "summary": skip.summary,
        "player": selectors.player_object(player_id, character=character),
    }


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
        raise GameError("unavailable", "The store could not be reached; try again shortly.",
                        retry_after=RETRY_STORE_SECONDS) from exc
    if purchase.product_id != product_id:
        raise GameError("invalid_receipt", "The receipt is for another product.")
    return purchase


def redeem_store_purchase(*, player_id: int, purchase: VerifiedPurchase, purchase_token: str = "") -> dict[str, Any]:
    """Grant a verified purchase (once) and, for Google, acknowledge it after commit."""
    reply = grant_store_purchase(player_id=player_id, purchase=purchase, purchase_token=purchase_token)
    if purchase.store == "google":
        from monetization.tasks import acknowledge_google_purchase

        transaction.on_commit(lambda: acknowledge_google_purchase.delay(purchase.transaction_id), robust=True)
    return reply


def purchase_diamonds(
    *, player_id: int, platform: str, product_id: str, signed_transaction: str | None, purchase_token: str | None
) -> dict[str, Any]:
    """Verify, then redeem (the handler runs the two steps on different threads)."""
    purchase = verify_store_purchase(
        player_id=player_id,
        platform=platform, product_id=product_id, signed_transaction=signed_transaction, purchase_token=purchase_token
    )
    return redeem_store_purchase(player_id=player_id, purchase=purchase, purchase_token=purchase_token or "")


def refund_store_transaction(*, store: str, transaction_id: str, reason: str) -> bool:
    """Claw back a refunded purchase's diamonds once; spent diamonds become debt. True if done now."""
    row = ProcessedTransaction.objects.filter(store=store, transaction_id=transaction_id).first()
    if row is None:
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
    return True

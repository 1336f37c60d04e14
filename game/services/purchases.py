"""What the game sells for diamonds: energy refills and time skips (it sells its own energy and time).

Every purchase runs once per idempotency key (a repeat gets the first reply), counts against
the per-player rate limit (only purchases that go through), and in one transaction locks the
life, then the player (ledger), charges through the ledger and delivers.
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from analytics.services import experiments
from analytics.services.events import record
from core.errors import GameError
from core.ratelimit import limited
from game.models import Character
from game.services import energy, life, timeskip
from monetization.catalog import catalog
from monetization.models import DiamondTransaction, EnergyRefillPurchase, TimeSkipPurchase
from monetization.services import idempotency, ledger

Reason = DiamondTransaction.Reason


def _rate_limit(player_id: int, kind: str):
    """The per-player purchase limit, counting only purchases that go through (docs/economy.md)."""
    rule = catalog().purchase_limits[kind]
    return limited(f"buy:{kind}:{player_id}", capacity=rule.count, rate=rule.count / rule.per_seconds)


def _sell(
    *,
    player_id: int,
    limit: str,
    verb: str,
    params: dict[str, Any],
    idempotency_key: str | None,
    deliver: Callable[[Character], dict[str, Any]],
) -> dict[str, Any]:
    """One of the game's purchases: once per idempotency key, the life locked first (the lock order:
    life, then the player's wallet), counted against the limit only if it goes through."""

    def buy() -> dict[str, Any]:
        # the limit here, so a duplicate waiting on its key is not counted; a refusal inside gives it back
        with _rate_limit(player_id, limit):
            return deliver(life.living_character(player_id=player_id))

    return idempotency.run_once(
        player_id=player_id,
        key=idempotency_key,
        verb=verb,
        params=params,
        fn=buy,
        lock=lambda: life.living_character(player_id=player_id),
    )


def _for_sale(section: dict[str, Any], kind: str, field: str, what: str) -> Any:
    """The catalog entry `kind` of a section in force, or `bad_request` naming what is sold."""
    item = section.get(kind)
    if item is None:
        raise GameError("bad_request", f"No {what} {kind!r}; the store sells {', '.join(section)}.", fields=[field])
    return item


def prices(player_id: int) -> dict[str, dict[str, int]]:
    """What each refill and skip costs this player (the `auth` reply: the client shows these, so they are
    the player's exposure to `premium_pricing`)."""
    return {
        "energy_refills": {kind: price_for(player_id, item.price) for kind, item in catalog().energy_refills.items()},
        "time_skips": {kind: price_for(player_id, item.price) for kind, item in catalog().time_skips.items()},
    }


def _exposed(player_id: int) -> None:
    """Persist the player's pricing variant before the purchase's transaction: a refused purchase rolls
    back, and the price the player saw must stay the price they are charged next time."""
    experiments.variant(player_id, "premium_pricing")


def purchase_energy_refill(*, player_id: int, refill_type: str, idempotency_key: str | None = None) -> dict[str, Any]:
    item = _for_sale(catalog().energy_refills, refill_type, "refill_type", "refill")
    _exposed(player_id)
    return _sell(
        player_id=player_id,
        limit="energy_refill",
        verb="purchase_energy_refill",
        params={"refill_type": refill_type},
        idempotency_key=idempotency_key,
        deliver=lambda character: _refill(character=character, refill_type=refill_type, item=item),
    )


def purchase_time_skip(*, player_id: int, skip_type: str, idempotency_key: str | None = None) -> dict[str, Any]:
    item = _for_sale(catalog().time_skips, skip_type, "skip_type", "time skip")
    _exposed(player_id)
    return _sell(
        player_id=player_id,
        limit="time_skip",
        verb="purchase_time_skip",
        params={"skip_type": skip_type},
        idempotency_key=idempotency_key,
        deliver=lambda character: _skip(character=character, skip_type=skip_type, item=item),
    )


def price_for(player_id: int, price: int) -> int:
    """The catalog's price as this player pays it (their `premium_pricing` variant; never below 1)."""
    factor = float(experiments.effect(player_id, "premium_pricing", "price_factor", 1.0))
    return max(1, experiments.scaled(price, factor))


def _refill(*, character: Character, refill_type: str, item: Any) -> dict[str, Any]:
    now = timezone.now()
    player_id = character.player_id
    energy_before = float(character.state["energy"])
    price = price_for(player_id, item.price)
    charge = ledger.diamonds_spend(
        player_id=player_id, amount=price, reason=Reason.ENERGY_REFILL, reference=f"refill:{refill_type}"
    )
    until = None
    if item.unlimited_hours:
        until = energy.extend_unlimited(player_id=player_id, hours=item.unlimited_hours, now=now)
    new_energy = energy.add_energy(character=character, amount=item.energy, now=now)
    EnergyRefillPurchase.objects.create(
        player_id=player_id,
        refill_type=refill_type,
        price=price,
        energy_before=energy_before,
        energy_after=new_energy,
        unlimited_energy_until=until,
        transaction=charge,
    )
    record("energy_refill", player_id=player_id, refill_type=refill_type, diamonds=price, energy=new_energy)
    until = until or energy.unlimited_until(player_id=player_id, now=now)
    return {
        "energy": new_energy,
        "diamonds": charge.balance_after,
        "unlimited_energy_until": until.isoformat() if until else None,
    }


def _skip(*, character: Character, skip_type: str, item: Any) -> dict[str, Any]:
    """Charge the skip, run it, and give back the share a major decision left unused (a skip never
    decides for the player: it stops at the decision; docs/economy.md)."""
    player_id = character.player_id
    caught_up = timeskip.ready_to_skip(character)  # a decision that waits refuses it before any charge
    price = price_for(player_id, item.price)
    charge = ledger.diamonds_spend(
        player_id=player_id, amount=price, reason=Reason.TIME_SKIP, reference=f"skip:{skip_type}"
    )
    skip = timeskip.skip_time(
        character=character,
        real_seconds=item.seconds,
        until_next_event=item.until_next_event,
        caught_up=caught_up,
    )
    unused = int(price * (1 - skip.used))
    diamonds = charge.balance_after
    if unused > 0:
        back = ledger.diamonds_credit(
            player_id=player_id, amount=unused, reason=Reason.SKIP_UNUSED, reference=f"skip:{skip_type}"
        )
        diamonds = back.balance_after if back else diamonds
    TimeSkipPurchase.objects.create(
        player_id=player_id,
        skip_type=skip_type,
        price=price - unused,
        skipped_seconds=skip.skipped_seconds,
        summary=skip.summary,
        transaction=charge,
    )
    record(
        "time_skip",
        player_id=player_id,
        skip_type=skip_type,
        diamonds=price - unused,
        skipped_seconds=skip.skipped_seconds,
        stopped_for=skip.stopped_for,
    )
    return {
        "skipped_seconds": skip.skipped_seconds,
        "summary": skip.summary,
        "diamonds": diamonds,
        "refunded": unused,
        "stopped_for": skip.stopped_for,
    }

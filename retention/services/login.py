"""The daily login reward: a 7-day cycle (retention/content/daily_login_rewards.yaml), one claim per day of the
player's own calendar (retention/services/calendar.py); a missed day starts the cycle again.

A claim may be made once the player's local day has changed since the last claim *and* the local
midnight of the zone the last claim was made in has passed: changing zones can delay a claim, never
give two in one day. Concurrent claims (two sockets, two processes) queue on the streak's row lock;
the diamonds carry a dedupe key per claim number, so a retried claim never pays twice.
"""

import random
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Player
from analytics.services import experiments
from analytics.services.events import record
from core.dbretry import retry_on_deadlock
from core.errors import GameError
from game.models import Character
from game.services import energy, gifts
from monetization.models import DiamondTransaction
from monetization.services import ledger
from retention.models import LoginStreak
from retention.rules import LoginDay
from retention.services import calendar
from retention.services.content import current
from retention.services.rows import locked_row


def diamonds_for(player_id: int, day: LoginDay) -> int:
    """The day's diamonds as this player gets them (their `daily_reward_amount` variant)."""
    factor = float(experiments.effect(player_id, "daily_reward_amount", "diamond_factor", 1.0))
    return experiments.scaled(day.diamonds, factor)


def _reward(day: LoginDay, diamonds: int) -> dict[str, Any]:
    out: dict[str, Any] = {"day": day.day, "diamonds": diamonds, "energy": day.energy}
    out["item"] = "a surprise item" if day.items else None
    return out


def _status(streak: LoginStreak | None, zone: str, now: datetime) -> dict[str, Any]:
    """Where the player stands now: whether a claim is due, which cycle day it pays, the streak."""
    if streak is None or streak.last_claim_at is None:
        return {"claimable": True, "next_day": 1, "streak": 0, "claimed_day": 0}
    today = calendar.local_day(now, zone)
    last = calendar.local_day(streak.last_claim_at, zone)
    waited = streak.next_claim_at is None or now >= streak.next_claim_at
    if today <= last or not waited:
        return {"claimable": False, "next_day": streak.day_in_cycle, "streak": streak.streak, "claimed_day": 1}
    continuing = (today - last).days == 1
    return {
        "claimable": True,
        "next_day": streak.day_in_cycle % 7 + 1 if continuing else 1,
        "streak": streak.streak if continuing else 0,
        "claimed_day": 0,
    }


def _next_reset(streak: LoginStreak | None, zone: str, now: datetime, claimable: bool) -> datetime:
    midnight = calendar.next_midnight(now, zone)
    if claimable or streak is None or streak.next_claim_at is None:
        return midnight
    return max(midnight, streak.next_claim_at)


def check(*, player_id: int, now: datetime | None = None) -> dict[str, Any]:
    """`check_daily_login`: the streak, the cycle day a claim would pay (or paid today), whether one is
    due, the seven days' rewards, when the day resets and the server's clock."""
    now = now or timezone.now()
    zone = Player.objects.values_list("time_zone", flat=True).get(pk=player_id)
    streak = LoginStreak.objects.filter(player_id=player_id).first()
    status = _status(streak, zone, now)
    return {
        "streak": status["streak"],
        "day_in_cycle": status["next_day"],
        "claimable": status["claimable"],
        "rewards": [_reward(d, diamonds_for(player_id, d)) for d in current().daily_login],
        "next_reset_at": _next_reset(streak, zone, now, status["claimable"]).isoformat(),
        "server_now": now.isoformat(),
        "time_zone": zone,
    }


@retry_on_deadlock
def claim(*, player_id: int, now: datetime | None = None) -> dict[str, Any]:
    """`claim_daily_reward`: pay today's cycle day once; `conflict` if today's was claimed."""
    now = now or timezone.now()
    experiments.variant(player_id, "daily_reward_amount")  # persisted before the claim's transaction
    with transaction.atomic():
        # the life first (the lock order of every life change: life, then the player), if there is one
        character = Character.objects.select_for_update().filter(current_of_id=player_id, alive=True).first()
        streak = locked_row(LoginStreak, player_id)
        zone = Player.objects.values_list("time_zone", flat=True).get(pk=player_id)
        status = _status(streak, zone, now)
        if not status["claimable"]:
            at = _next_reset(streak, zone, now, False)
            raise GameError(
                "conflict",
                "Today's reward is already claimed; the next one is ready at the next reset.",
                next_reset_at=at.isoformat(),
                server_now=now.isoformat(),
            )
        day = current().daily_login[status["next_day"] - 1]
        streak.streak = status["streak"] + 1
        streak.day_in_cycle = day.day
        streak.claims += 1
        streak.last_claim_at = now
        streak.next_claim_at = calendar.next_midnight(now, zone)
        streak.save()
        balance = None
        diamonds = diamonds_for(player_id, day)
        if diamonds:
            row = ledger.diamonds_credit(
                player_id=player_id,
                amount=diamonds,
                reason=DiamondTransaction.Reason.DAILY_LOGIN,
                reference=f"daily_login:day{day.day}",
                dedupe_key=f"daily_login:{player_id}:{streak.claims}",
            )
            balance = row.balance_after if row else None
        given: dict[str, Any] = {"energy": 0, "item": None}
        if character is not None and (day.energy or day.items):
            given = _to_the_life(character, day, streak.claims, now)
        record("daily_reward", player_id=player_id, day=day.day, diamonds=diamonds, streak=streak.streak)
    if balance is None:
        balance = ledger.balance(player_id=player_id).diamonds
    return {
        "reward": {"day": day.day, "diamonds": diamonds, **given},
        "diamonds": balance,
        "streak": streak.streak,
        "day_in_cycle": day.day,
        "next_reset_at": _next_reset(streak, zone, now, False).isoformat(),
        "server_now": now.isoformat(),
    }


def _to_the_life(character: Character, day: LoginDay, claim_number: int, now: datetime) -> dict[str, Any]:
    """Energy and the day's item go to the life being played (none between lives: the diamonds still pay)."""
    given: dict[str, Any] = {"energy": 0, "item": None}
    try:
        if day.energy:
            energy.add_energy(character=character, amount=day.energy, now=now)
            given["energy"] = day.energy
        if day.items:
            item_id = random.Random(f"{character.player_id}:{claim_number}").choice(day.items)
            given["item"] = gifts.give_item(character=character, item_id=item_id, now=now)
    except GameError:
        pass  # the life ended while catching up: the diamonds still pay
    return given

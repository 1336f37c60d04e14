"""The one write path of a character's energy outside the engine: refills and unlimited energy."""

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import Player
from game import engine
from game.models import Character
from game.services import content as content_service
from game.services import life


def unlimited_until(*, player_id: int, now: datetime | None = None) -> datetime | None:
    """The end of the player's unlimited energy, if it is running now."""
    until = Player.objects.filter(pk=player_id).values_list("unlimited_energy_until", flat=True).first()
    return until if until is not None and until > (now or timezone.now()) else None


def unlimited_active(*, player_id: int, now: datetime | None = None) -> bool:
    return unlimited_until(player_id=player_id, now=now) is not None


def extend_unlimited(*, player_id: int, hours: int, now: datetime | None = None) -> datetime:
    """Unlimited energy for `hours` more: from now, or from the end of the current period."""
    now = now or timezone.now()
    span = timedelta(hours=hours)
    Player.objects.filter(pk=player_id, unlimited_energy_until__gt=now).update(
        unlimited_energy_until=F("unlimited_energy_until") + span
    )
    Player.objects.filter(pk=player_id).exclude(unlimited_energy_until__gt=now).update(
        unlimited_energy_until=now + span
    )
    until = Player.objects.values_list("unlimited_energy_until", flat=True).get(pk=player_id)
    assert until is not None  # just set above
    return until


def add_energy(*, character: Character, amount: float, now: datetime | None = None) -> float:
    """Add energy to a locked life (caught up to now first), never above the maximum; returns the new energy."""
    now = now or timezone.now()
    before, state, events = life.catch_up_living(character, now)
    state, more = engine.apply_energy(state, state.clock, amount, content_service.current())
    life.save(character=character, before=before, state=state, events=events + more, now=now)
    return state.energy

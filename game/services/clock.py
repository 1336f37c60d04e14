"""Real time to game time: a life's clock runs at the configured pace until it pauses."""

from datetime import datetime, timedelta

from django.conf import settings

from game.models import Character


def pace() -> float:
    return settings.GAME_SECONDS_PER_REAL_SECOND


def offline_span() -> timedelta:
    return timedelta(days=settings.GAME_OFFLINE_LIFE_DAYS)


def game_time_at(character: Character, now: datetime) -> int:
    """The game moment the life has reached at real `now` (stopped at `active_until`)."""
    until = min(now, character.active_until)
    elapsed = max(0.0, (until - character.anchor_real).total_seconds())
    return max(character.game_clock, character.anchor_game + int(elapsed * pace()))


def real_time_at(character: Character, game_time: int) -> datetime:
    """When, in real time, the life reaches (or reached) `game_time` on its current anchors."""
    return character.anchor_real + timedelta(seconds=(game_time - character.anchor_game) / pace())


def restart(character: Character, game_time: int, real: datetime) -> None:
    """The clock goes on from `game_time` at real `real` (a held decision was answered or expired)."""
    character.anchor_game = game_time
    character.anchor_real = real


def resume(character: Character, now: datetime) -> list[str]:
    """The player is here: restart a paused clock from where it stopped; returns changed fields."""
    if character.active_until < now:
        character.anchor_game = game_time_at(character, character.active_until)
        character.anchor_real = now
    character.active_until = now + offline_span()
    return ["anchor_game", "anchor_real", "active_until"]

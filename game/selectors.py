"""Reads of the game's state that handlers and other apps may call."""

from typing import Any

from game.models import Player


def player_object(player_id: int) -> dict[str, Any]:
    """The protocol's `playerObject`: the account and its current life."""
    player = Player.objects.select_related("user").get(pk=player_id)
    return {
        "player_id": player.pk,
        "guest": player.is_guest,
        "email": player.user.email or None,
        "diamonds": player.diamonds,
        "created_at": player.created_at.isoformat(),
        "character": None,
    }

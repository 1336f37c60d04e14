"""What the live socket needs from the game: who is signing in, and what they get on arrival."""

from typing import Any

from game import selectors
from game.services.accounts import session_player_id, token_lookup

__all__ = ["auth_reply", "drain_offline_pushes", "session_player_id", "token_owner"]


def token_owner(token: str) -> tuple[int, int] | None:
    """(player id, token id) for a live token, else None."""
    row = token_lookup(token)
    return (row.player_id, row.pk) if row else None


def auth_reply(player_id: int) -> dict[str, Any]:
    """The `auth` reply's data: the playerObject, and the deletion date during a grace period."""
    data: dict[str, Any] = {"player": selectors.player_object(player_id)}
    return data


def drain_offline_pushes(player_id: int) -> list[dict[str, Any]]:
    """Pushes that waited while the player was away, oldest first (the life simulation fills this)."""
    return []

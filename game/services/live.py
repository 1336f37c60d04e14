"""What the live socket needs from the game: who is signing in, and what they get on arrival."""

from typing import Any

from core import presence
from game import selectors
from game.models import Character
from game.services import life, offline
from game.services.accounts import session_player_id, token_lookup

__all__ = [
    "arrive",
    "auth_reply",
    "offline_delivered",
    "offline_pushes",
    "session_player_id",
    "sign_in",
    "sign_out",
    "token_owner",
]


def token_owner(token: str) -> tuple[int, int] | None:
    """(player id, token id) for a live token, else None."""
    row = token_lookup(token)
    return (row.player_id, row.pk) if row else None


def auth_reply(player_id: int, character: Character | None = None) -> dict[str, Any]:
    """The `auth` reply's data: the playerObject (of the life just saved, when given)."""
    return {"player": selectors.player_object(player_id, character=character)}


def arrive(player_id: int) -> Character:
    """A socket signed in: the life catches up to now, then the player counts as online."""
    character = life.arrive(player_id=player_id)
    presence.socket_opened(player_id)
    return character


def sign_in(player_id: int) -> dict[str, Any]:
    """A socket signed in: the life caught up, and the `auth` reply's data (one database trip)."""
    return auth_reply(player_id, arrive(player_id))


def offline_pushes(player_id: int) -> tuple[list[dict[str, Any]], list[int]]:
    """The pushes kept while the player was away, oldest first, and their ids (to confirm later)."""
    return offline.pending(player_id=player_id)


def offline_delivered(player_id: int, ids: list[int]) -> None:
    """The socket sent them: they leave the queue."""
    offline.delivered(player_id=player_id, ids=ids)


def sign_out(player_id: int) -> None:
    """A socket closed: once the player's last socket is gone, the offline clock starts."""
    presence.socket_closed(player_id)
    if not presence.is_online(player_id):
        life.leave(player_id=player_id)

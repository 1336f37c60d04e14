"""Server-initiated messages: to every socket of a player, on any process, after commit."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def player_group(player_id: int) -> str:
    return f"player.{player_id}"


def token_group(token_id: int) -> str:
    return f"token.{token_id}"


def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def push_to_player(player_id: int, push: dict[str, Any]) -> None:
    """Queue a push (`{"type": "u", ...}`) for the player's sockets once the transaction commits."""
    transaction.on_commit(lambda: _group_send(player_group(player_id), {"type": "push", "push": push}))


def push_many(pushes: list[tuple[int, dict[str, Any]]]) -> None:
    """Queue many players' pushes, sent together after commit (one trip to the event loop, not one each)."""
    if not pushes:
        return

    async def send_all() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for player_id, push in pushes:
            await layer.group_send(player_group(player_id), {"type": "push", "push": push})

    transaction.on_commit(lambda: async_to_sync(send_all)())


def close_player_sockets(player_id: int, code: int = 4003) -> None:
    """Close every socket of the player (ban, deletion), on every process, after commit."""
    transaction.on_commit(lambda: _group_send(player_group(player_id), {"type": "close", "code": code}))


def close_token_sockets(token_id: int, code: int = 4003) -> None:
    """Close the sockets signed in with one token (logout), after commit."""
    transaction.on_commit(lambda: _group_send(token_group(token_id), {"type": "close", "code": code}))

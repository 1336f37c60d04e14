"""Server-initiated messages: to every socket of a player, on any process, after commit.

Everything a transaction queues goes out in one trip to the event loop once it commits (one
`async_to_sync` hop per transaction, not one per message); a rolled-back transaction, or
savepoint, sends nothing. Outside a transaction a message goes at once. A transaction's pushes to one
player travel as one layer message (`{"type": "pushes", "pushes": [...]}`), and many players' side by side.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.layer_batch import group_send_many, send_in_order

logger = logging.getLogger("baolife.pushes")


def player_group(player_id: int) -> str:
    return f"player.{player_id}"


def token_group(token_id: int) -> str:
    return f"token.{token_id}"


def coalesced(messages: list[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Per group, in order, with each run of pushes made one layer message (`{"type": "pushes", ...}`): a
    transaction's pushes to a player cost one group send, not one per push (a tick pushes several a player)."""
    plan: dict[str, list[dict[str, Any]]] = {}
    for group, message in messages:
        queue = plan.setdefault(group, [])
        if message.get("type") == "push":
            if queue and queue[-1]["type"] == "pushes":
                queue[-1]["pushes"].append(message["push"])
            else:
                queue.append({"type": "pushes", "pushes": [message["push"]]})
        else:
            queue.append(message)
    return plan


async def _send_all(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send, never raise: this runs after commit, so a failure must not turn a done change into an error.
    Many groups go out together (core/layer_batch.py: one pipeline on the pub/sub layer), each group's messages
    in their order."""
    layer = get_channel_layer()
    if layer is None:
        return
    plan = coalesced(messages)
    if len(plan) == 1:
        group, queue = next(iter(plan.items()))
        await send_in_order(layer, group, queue)
        return
    await group_send_many(layer, plan)


@dataclass
class _Pending:
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def flush(self) -> None:
        messages, self.messages = self.messages, []
        if messages:
            async_to_sync(_send_all)(messages)


def _queue(messages: list[tuple[str, dict[str, Any]]]) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        async_to_sync(_send_all)(messages)
        return
    # One buffer per savepoint state: Django drops a rolled-back savepoint's callbacks, and a
    # buffer whose callback is gone is never reused, so its messages are never sent.
    buffers: dict[tuple, _Pending] = connection.__dict__.setdefault("_baolife_pushes", {})
    key = tuple(connection.savepoint_ids)
    pending = buffers.get(key)
    if pending is None or not _registered(connection, pending):
        for stale in [k for k, p in buffers.items() if not _registered(connection, p)]:
            del buffers[stale]  # committed (sent) or rolled back (dropped): either way done
        pending = buffers[key] = _Pending()
        transaction.on_commit(pending.flush)
    pending.messages.extend(messages)


def _registered(connection: Any, pending: _Pending) -> bool:
    return any(entry[1] == pending.flush for entry in connection.run_on_commit)


def push_to_player(player_id: int, push: dict[str, Any]) -> None:
    """Queue a push (`{"type": "u", ...}`) for the player's sockets once the transaction commits."""
    _queue([(player_group(player_id), {"type": "push", "push": push})])


def push_many(pushes: list[tuple[int, dict[str, Any]]]) -> None:
    """Queue many players' pushes at once (the tick)."""
    _queue([(player_group(player_id), {"type": "push", "push": push}) for player_id, push in pushes])


def close_player_sockets(player_id: int, code: int = 4003, reason: str = "This sign-in has ended.") -> None:
    """Close every socket of the player (ban, deletion), on every process, after commit."""
    _queue([(player_group(player_id), {"type": "close", "code": code, "reason": reason})])


def close_token_sockets(token_id: int, code: int = 4003, reason: str = "Signed out.") -> None:
    """Close the sockets signed in with one token (logout, a revoked token), after commit."""
    _queue([(token_group(token_id), {"type": "close", "code": code, "reason": reason})])

"""What the live socket needs from the game: who is signing in, and what they get on arrival."""

import logging
from collections.abc import Callable
from typing import Any

import redis
from django.db import DatabaseError
from django.utils import timezone

from accounts.selectors import deletion_grace, ended_sessions, require_live_session, session_player_id, token_owner
from analytics.services import sessions
from analytics.services.events import record
from core import presence
from core.errors import ClosesSocket
from core.ws.session import SocketInfo
from game.models import Character
from game.services import life, offline

logger = logging.getLogger("baolife.game")

__all__ = [
    "arrive",
    "deletion_grace",
    "ended_sessions",
    "offline_delivered",
    "offline_pushes",
    "require_live_session",
    "session_player_id",
    "sign_in",
    "sign_out",
    "stay",
    "token_owner",
]

CLOSE_TOO_MANY_SOCKETS = 4008


def _counted(player_id: int, then: Callable[[], Character]) -> Character:
    """The socket counts as online (within the socket cap), then `then()`; its count is given back if that fails."""
    if not presence.socket_opened(player_id):
        raise ClosesSocket(
            "forbidden",
            "Too many open sockets for this account; close one first.",
            close_code=CLOSE_TOO_MANY_SOCKETS,
        )
    try:
        return then()
    except BaseException:
        presence.socket_closed(player_id)
        raise


def arrive(player_id: int) -> Character:
    """A socket signed in: the player counts as online (within the socket cap), then the life catches up."""
    return _counted(player_id, lambda: life.arrive(player_id=player_id))


def stay(player_id: int) -> Character:
    """A socket of an account waiting for deletion signed in: counted online, its life left paused."""
    return _counted(player_id, lambda: life.current_character(player_id=player_id, lock=False))


def sign_in(player_id: int, token_id: int | None = None, *, paused: bool = False) -> Character:
    """A socket that has joined its groups signs in: the sign-in is checked again (a ban or logout
    committed before the groups were joined missed this socket), and the life caught up — unless the
    account waits for deletion (`paused`): its life stays as it was until the deletion is cancelled."""
    require_live_session(player_id=player_id, token_id=token_id)
    return stay(player_id) if paused else arrive(player_id)


def session_started(player_id: int, socket: SocketInfo) -> None:
    """The socket's play session begins (analytics): the last step of signing in, so a sign-in that fails
    leaves no session open. Analytics never stops play: a session not written is a gap in the figures."""
    try:
        session_id = sessions.start(player_id=player_id, key=socket.key, user_agent=socket.user_agent)
    except DatabaseError as exc:
        logger.warning("analytics session not started for player %s (%s)", player_id, type(exc).__name__)
        return
    if session_id is not None:
        record("sign_in", player_id=player_id, platform=sessions.platform_of(socket.user_agent), session=session_id)


def offline_pushes(player_id: int) -> tuple[list[dict[str, Any]], list[int]]:
    """The pushes kept while the player was away, oldest first, and their ids (to confirm later)."""
    return offline.pending(player_id=player_id)


def offline_delivered(player_id: int, ids: list[int]) -> None:
    """The socket sent them: they leave the queue."""
    offline.delivered(player_id=player_id, ids=ids)


def keep_undelivered(player_id: int, pushes: list[dict[str, Any]]) -> None:
    """A socket dropped for not reading never got these: its events wait in the offline queue for the next
    sign-in (whose reply carries the whole state, so the `u` changes are not kept). Those that came from the
    queue are still there (not confirmed); another socket of the player may have had them (at least once)."""
    now = timezone.now()
    offline.enqueue(player_id=player_id, pushes=[(now, p) for p in pushes if p.get("type") != "u" and "at" not in p])


def sign_out(player_id: int, socket: SocketInfo | None = None) -> None:
    """A socket closed: once the player's last socket is gone, the offline clock starts.

    If Redis cannot say whether another process still holds a socket, the clock starts anyway:
    it only stretches the life's offline span, which the next sign-in resets.
    """
    if socket is not None:
        try:
            sessions.end(key=socket.key)
        except DatabaseError as exc:  # the timeout ends it later, at its last sign of life
            logger.warning("analytics session %s not ended (%s)", socket.key, type(exc).__name__)
    presence.socket_closed(player_id)
    try:
        online = presence.is_online(player_id)
    except redis.exceptions.RedisError:
        online = False
    if not online and deletion_grace(player_id=player_id) is None:  # waiting for deletion: the life stays paused
        life.leave(player_id=player_id)

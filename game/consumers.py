"""The game's live socket `/ws/play/`: core's socket lifecycle (core/ws/consumer.py) with the game's
side of signing in — the account checks of `accounts`, the life's arrival, the offline queue."""

from typing import Any

from core.ws.consumer import LiveConsumer
from core.ws.session import SocketInfo
from game import handlers
from game.services import live


class GameSession:
    """`core.ws.session.Session` for the game; each method looks its function up when called."""

    def session_player_id(self, user: Any) -> int | None:
        return live.session_player_id(user)

    def token_owner(self, token: str) -> tuple[int, int] | None:
        return live.token_owner(token)

    def sign_in(self, player_id: int, token_id: int | None, socket: SocketInfo) -> dict[str, Any]:
        return handlers.sign_in_reply(player_id, token_id, socket)

    def sign_out(self, player_id: int, socket: SocketInfo) -> None:
        live.sign_out(player_id, socket)

    def require_live_session(self, *, player_id: int, token_id: int | None) -> None:
        live.require_live_session(player_id=player_id, token_id=token_id)

    def offline_pushes(self, player_id: int) -> tuple[list[dict[str, Any]], list[int]]:
        return live.offline_pushes(player_id)

    def offline_delivered(self, player_id: int, ids: list[int]) -> None:
        live.offline_delivered(player_id, ids)

    def ended_sessions(self, *, sessions: list[tuple[int, int | None]]) -> set[tuple[int, int | None]]:
        return live.ended_sessions(sessions=sessions)

    def keep_undelivered(self, player_id: int, pushes: list[dict[str, Any]]) -> None:
        live.keep_undelivered(player_id, pushes)

    def deletion_pending(self, player_id: int) -> bool:
        return live.deletion_grace(player_id=player_id) is not None


class PlayConsumer(LiveConsumer):
    session = GameSession()

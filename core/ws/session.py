"""What the live socket needs from the apps above core: who is signing in, what they get on arrival,
and whether their sign-in still holds. The game provides it (game/consumers.py); core's consumer
(core/ws/consumer.py) knows no app."""

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SocketInfo:
    """Which socket this is (a key unique to it) and what the client said about itself: an app above
    core keeps its own record of the socket's session (analytics) without core knowing it."""

    key: str  # a random hex id, one per socket
    user_agent: str = ""
    address: str = "unknown"


class Session(Protocol):
    """All are plain sync functions (run on Django's database thread)."""

    def session_player_id(self, user: Any) -> int | None:
        """The player of a browser's signed-in Django session, if any."""

    def token_owner(self, token: str) -> tuple[int, int] | None:
        """(player id, token id) of a live token, or None."""

    def sign_in(self, player_id: int, token_id: int | None, socket: SocketInfo) -> dict[str, Any]:
        """The socket has joined its groups: check the sign-in again, arrive, and return the `auth`
        reply's data. May raise `ClosesSocket` (banned, too many sockets)."""

    def sign_out(self, player_id: int, socket: SocketInfo) -> None:
        """A signed-in socket closed."""

    def require_live_session(self, *, player_id: int, token_id: int | None) -> None:
        """Raise `ClosesSocket` if the sign-in has ended (ban, logout) — before a verb that moves money."""

    def offline_pushes(self, player_id: int) -> tuple[list[dict[str, Any]], list[int]]:
        """The pushes kept while the player was away, oldest first, and their ids."""

    def offline_delivered(self, player_id: int, ids: list[int]) -> None:
        """Those kept pushes reached the socket: they may leave the queue."""

    def ended_sessions(self, *, sessions: list[tuple[int, int | None]]) -> set[tuple[int, int | None]]:
        """Of these (player id, token id) sign-ins, the ones that have ended (for the heartbeat)."""

    def keep_undelivered(self, player_id: int, pushes: list[dict[str, Any]]) -> None:
        """A socket was dropped for not reading: these pushes never reached it (kept, or not, as the app says)."""

    def deletion_pending(self, player_id: int) -> bool:
        """Whether the account still waits for deletion (a socket restricted at sign-in asks again)."""

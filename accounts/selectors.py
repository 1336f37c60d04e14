"""Reads other apps may call: who a token or a browser session belongs to, and whether it still holds."""

from accounts.keys import token_hash
from accounts.models import AuthToken, Player
from core.errors import ClosesSocket

CLOSE_SESSION_ENDED = 4003


class SessionEnded(ClosesSocket):
    """The socket's sign-in no longer holds (logged out, token revoked or expired, banned): close it (4003)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, close_code=CLOSE_SESSION_ENDED)


def token_lookup(token: str) -> AuthToken | None:
    """The live token row for a plain token, or None (unknown, expired, revoked, banned)."""
    if not token or len(token) > 256:
        return None
    row = AuthToken.objects.select_related("player").live().filter(key_hash=token_hash(token)).first()
    if row is None or row.player.banned_at is not None:
        return None
    return row


def token_owner(token: str) -> tuple[int, int] | None:
    """(player id, token id) for a live token, else None."""
    row = token_lookup(token)
    return (row.player_id, row.pk) if row else None


def session_player_id(user) -> int | None:
    """The player behind a browser session's user, unless banned."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Player.objects.filter(user_id=user.pk, banned_at__isnull=True).values_list("pk", flat=True).first()


def require_live_session(*, player_id: int, token_id: int | None) -> None:
    """Raise SessionEnded unless the player is not banned and the token (if any) is live.

    Called when a socket has joined its groups (a ban committed before that missed it) and
    before every verb that moves diamonds (a ban missed while Redis was down).
    """
    if Player.objects.filter(pk=player_id, banned_at__isnull=False).exists():
        raise SessionEnded("forbidden", "This account is banned.")
    if token_id is not None and not AuthToken.objects.live().filter(pk=token_id).exists():
        raise SessionEnded("unauthenticated", "This sign-in has ended; sign in again.")


def ended_sessions(*, sessions: list[tuple[int, int | None]]) -> set[tuple[int, int | None]]:
    """Of (player id, token id) pairs held by a process's sockets, those that no longer hold (one query each kind)."""
    if not sessions:
        return set()
    player_ids = {pid for pid, _ in sessions}
    token_ids = {tid for _, tid in sessions if tid is not None}
    banned = set(Player.objects.filter(pk__in=player_ids, banned_at__isnull=False).values_list("pk", flat=True))
    live = set(AuthToken.objects.live().filter(pk__in=token_ids).values_list("pk", flat=True)) if token_ids else set()
    return {(pid, tid) for pid, tid in sessions if pid in banned or (tid is not None and tid not in live)}

"""Reads other apps may call: who a token or a browser session belongs to, and whether it still holds."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.keys import token_hash
from accounts.models import AuthToken, Player
from core.errors import ClosesSocket

CLOSE_SESSION_ENDED = 4003


class SessionEnded(ClosesSocket):
    """The socket's sign-in no longer holds (logged out, token revoked or expired, banned): close it (4003)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, close_code=CLOSE_SESSION_ENDED)


def erasing(player: Player) -> bool:
    """Its deletion's grace is over: the account is being (or about to be) erased, and signs in no more."""
    return player.permanent_deletion_at is not None and player.permanent_deletion_at <= timezone.now()


def token_lookup(token: str) -> AuthToken | None:
    """The live token row for a plain token, or None (unknown, expired, revoked, banned)."""
    if not token or len(token) > 256:
        return None
    row = AuthToken.objects.select_related("player").live().filter(key_hash=token_hash(token)).first()
    if row is None or row.player.banned_at is not None or erasing(row.player):
        return None
    return row


def token_owner(token: str) -> tuple[int, int] | None:
    """(player id, token id) for a live token, else None."""
    row = token_lookup(token)
    return (row.player_id, row.pk) if row else None


def session_player_id(user) -> int | None:
    """The player behind a browser session's user, unless banned or being erased."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Player.objects.filter(user_id=user.pk, banned_at__isnull=True)
        .exclude(permanent_deletion_at__lte=timezone.now())
        .values_list("pk", flat=True)
        .first()
    )


def require_live_session(*, player_id: int, token_id: int | None) -> None:
    """Raise SessionEnded unless the player is not banned and the token (if any) is live.

    Called when a socket has joined its groups (a ban committed before that missed it) and
    before every verb that moves diamonds (a ban missed while Redis was down).
    """
    state = Player.objects.filter(pk=player_id).values_list("banned_at", "permanent_deletion_at").first()
    if state is None or (state[1] is not None and state[1] <= timezone.now()):
        raise SessionEnded("unauthenticated", "This account has been deleted.")
    if state[0] is not None:
        raise SessionEnded("forbidden", "This account is banned.")
    if token_id is not None and not AuthToken.objects.live().filter(pk=token_id).exists():
        raise SessionEnded("unauthenticated", "This sign-in has ended; sign in again.")


def ended_sessions(*, sessions: list[tuple[int, int | None]]) -> set[tuple[int, int | None]]:
    """Of (player id, token id) pairs held by a process's sockets, those that no longer hold (one query each kind)."""
    if not sessions:
        return set()
    player_ids = {pid for pid, _ in sessions}
    token_ids = {tid for _, tid in sessions if tid is not None}
    # banned, erased or being erased (its grace over): a close push lost while Redis was down ends them here
    standing = set(
        Player.objects.filter(pk__in=player_ids, banned_at__isnull=True)
        .exclude(permanent_deletion_at__lte=timezone.now())
        .values_list("pk", flat=True)
    )
    banned = player_ids - standing
    live = set(AuthToken.objects.live().filter(pk__in=token_ids).values_list("pk", flat=True)) if token_ids else set()
    return {(pid, tid) for pid, tid in sessions if pid in banned or (tid is not None and tid not in live)}


@dataclass(frozen=True)
class Grace:
    """An account's deletion grace period: asked for at `requested_at`, erased from `permanent_deletion_at`."""

    requested_at: datetime
    permanent_deletion_at: datetime


def deletion_grace(*, player_id: int) -> Grace | None:
    """The account's deletion grace period, if it is in one."""
    found = (
        Player.objects.filter(pk=player_id, deletion_requested_at__isnull=False)
        .values_list("deletion_requested_at", "permanent_deletion_at")
        .first()
    )
    if found is None or found[0] is None or found[1] is None:
        return None
    return Grace(requested_at=found[0], permanent_deletion_at=found[1])

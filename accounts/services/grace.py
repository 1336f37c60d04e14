"""The deletion grace period of an account: asked for, it ends every sign-in and hides the account from others;
cancelled, the account is as it was. (The erasure itself, at the end of the grace, is compliance's.)"""

from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import AuthToken, Player
from accounts.selectors import Grace
from core.errors import GameError
from core.pushes import close_player_sockets


def begin(*, player_id: int, reason: str, now: datetime) -> Grace:
    """Start the grace period: tokens revoked, every socket of the account closed (4003) on every process.

    The caller holds the transaction; the player's row is locked here, so 40 requests at once begin it once.
    """
    player = Player.objects.select_for_update().get(pk=player_id)
    if player.deletion_requested_at is not None:
        raise GameError(
            "conflict",
            "This account is already scheduled for deletion.",
            permanent_deletion_at=player.permanent_deletion_at.isoformat() if player.permanent_deletion_at else None,
        )
    grace = Grace(requested_at=now, permanent_deletion_at=now + timedelta(days=settings.DELETION_GRACE_DAYS))
    Player.objects.filter(pk=player_id).update(
        deletion_requested_at=grace.requested_at,
        permanent_deletion_at=grace.permanent_deletion_at,
        deletion_reason=reason[:500],
    )
    AuthToken.objects.filter(player_id=player_id, revoked_at__isnull=True).update(revoked_at=now)
    close_player_sockets(player_id, reason="This account is scheduled for deletion; sign in again to cancel.")
    return grace


def end(*, player_id: int) -> None:
    """Cancel the grace period (the caller checked it may be cancelled, under the player's lock)."""
    Player.objects.filter(pk=player_id).update(
        deletion_requested_at=None, permanent_deletion_at=None, deletion_reason=""
    )

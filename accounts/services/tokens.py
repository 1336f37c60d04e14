"""API tokens: issued at sign-in, capped per player, revoked by logout and bans, purged when old.

(Looking a token up is a read: `accounts.selectors.token_lookup`, re-exported here for callers.)
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.keys import token_hash
from accounts.models import AuthToken, Player
from accounts.selectors import token_lookup
from core.errors import GameError
from core.pushes import close_token_sockets


def issue_token(*, player_id: int) -> str:
    """A new token; past AUTH_MAX_TOKENS_PER_PLAYER live ones, the oldest are revoked (sockets closed).

    The player's row is locked so parallel sign-ins of one account count each other's tokens.
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        if not Player.objects.select_for_update().filter(pk=player_id).values_list("pk", flat=True).first():
            raise GameError("unauthenticated", "This account has been deleted.")  # erased a moment ago
        AuthToken.objects.create(
            player_id=player_id,
            key_hash=token_hash(token),
            expires_at=now + timedelta(days=settings.AUTH_TOKEN_TTL_DAYS),
        )
        live = AuthToken.objects.live().filter(player_id=player_id)
        surplus = list(live.order_by("-id").values_list("pk", flat=True)[settings.AUTH_MAX_TOKENS_PER_PLAYER :])
        if surplus:
            AuthToken.objects.filter(pk__in=surplus).update(revoked_at=now)
            for token_id in surplus:
                close_token_sockets(token_id, reason="Signed in on too many devices; sign in again.")
    return token


def logout(*, token: str) -> None:
    """Revoke the token everywhere and close the sockets signed in with it."""
    with transaction.atomic():
        row = token_lookup(token)
        if row is None:
            raise GameError("unauthenticated", "The token is not valid.")
        AuthToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
        close_token_sockets(row.pk)


def purge_expired_tokens() -> int:
    """Delete tokens expired or revoked more than a day ago (idempotent housekeeping)."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = AuthToken.objects.filter(expires_at__lt=cutoff).delete()
    revoked, _ = AuthToken.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + revoked

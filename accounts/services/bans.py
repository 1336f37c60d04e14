"""Bans: every token stops working and every open socket of the player closes (4003)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import AuthToken, Player
from core.pushes import close_player_sockets


def ban(*, player_id: int, reason: str) -> None:
    with transaction.atomic():
        now = timezone.now()
        Player.objects.filter(pk=player_id).update(banned_at=now, ban_reason=reason[:200])
        AuthToken.objects.filter(player_id=player_id, revoked_at__isnull=True).update(revoked_at=now)
        close_player_sockets(player_id, reason="This account is banned.")


def unban(*, player_id: int) -> None:
    Player.objects.filter(pk=player_id).update(banned_at=None, ban_reason="")

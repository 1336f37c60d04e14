"""The account (Player) and its API tokens.

The tables keep the names they had when they lived in `game` (`players`, `game_authtoken`):
the move to this app changed only Django's state (accounts/migrations/0001).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.fields import ExactCharField


class PlayerQuerySet(models.QuerySet):
    def visible(self) -> "PlayerQuerySet":
        """Accounts other players may see (a leaderboard, a friend list, matches between players — when they
        come): not banned, not waiting for deletion. Every feature that shows a player to others starts here."""
        return self.filter(banned_at__isnull=True, deletion_requested_at__isnull=True)


class Player(models.Model):
    """The account: one per person, kept across lives (its diamonds are its wallet's, in monetization).

    `email` is the sign-in address, trimmed and case-folded, unique in the database and compared
    byte for byte (accounts/fields.py); guests have none.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="player")
    device_id = models.CharField(max_length=128, unique=True, null=True, blank=True)
    email = ExactCharField(max_length=254, unique=True, null=True, blank=True)
    is_guest = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    unlimited_energy_until = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")  # IANA name: the player's day (retention)
    banned_at = models.DateTimeField(null=True, blank=True)
    ban_reason = models.CharField(max_length=200, blank=True)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    permanent_deletion_at = models.DateTimeField(null=True, blank=True)
    deletion_reason = models.CharField(max_length=500, blank=True)  # the player's words; erased with the account

    objects = PlayerQuerySet.as_manager()

    class Meta:
        db_table = "players"

    def __str__(self) -> str:
        return f"Player {self.pk} ({self.email or 'guest'})"


class AuthTokenQuerySet(models.QuerySet):
    def live(self) -> "AuthTokenQuerySet":
        """Tokens that still sign in: not revoked, not expired (the one place of that rule)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class AuthToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a database leak yields no usable token."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AuthTokenQuerySet.as_manager()

    class Meta:
        db_table = "game_authtoken"
        indexes = [models.Index(fields=["player", "revoked_at"], name="game_authto_player__6a98da_idx")]

    def __str__(self) -> str:
        return f"token {self.pk} of player {self.player_id}"

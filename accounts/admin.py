"""Operators' dashboard for accounts: players (ban closes their sockets) and tokens (read-only)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import AuthToken, Player
from accounts.services import bans


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    """Apps above accounts add their sections of a player's page with `add_player_section`."""

    list_display = ("id", "email", "is_guest", "created_at", "banned_at")  # diamonds: Monetization › Wallets
    list_filter = ("is_guest", "banned_at")
    search_fields = ("=id", "email", "device_id")
    readonly_fields = (
        "user",
        "email",
        "device_id",
        "is_guest",
        "created_at",
        "banned_at",
        "ban_reason",
        "deletion_requested_at",
        "permanent_deletion_at",
    )
    actions = ("ban_players", "unban_players")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Player, form: object, change: bool) -> None:
        """Every field is read-only here: never write the row back (it would undo a concurrent purchase)."""

    @admin.action(description="Ban the selected players (closes their sockets)")
    def ban_players(self, request: HttpRequest, queryset: QuerySet) -> None:
        for player_id in queryset.values_list("pk", flat=True):
            bans.ban(player_id=player_id, reason=f"banned by {request.user.get_username()}")
        messages.success(request, f"Banned {queryset.count()} player(s).")

    @admin.action(description="Lift the ban of the selected players")
    def unban_players(self, request: HttpRequest, queryset: QuerySet) -> None:
        for player_id in queryset.values_list("pk", flat=True):
            bans.unban(player_id=player_id)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("id", "player", "created_at", "expires_at", "revoked_at")
    search_fields = ("=player__id",)
    readonly_fields = ("player", "key_hash", "created_at", "expires_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def add_player_section(inline: type[admin.options.InlineModelAdmin]) -> None:
    """Show an app's rows about a player on the player's page (retention: unlocks, streak, quests ...)."""
    if inline not in PlayerAdmin.inlines:
        PlayerAdmin.inlines = [*PlayerAdmin.inlines, inline]

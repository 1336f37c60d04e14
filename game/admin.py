"""Operators' view of accounts: search, ban (closes sockets), tokens read-only."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from game.models import AuthToken, Player
from game.services import accounts


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ("id", "email", "is_guest", "diamonds", "created_at", "banned_at")
    list_filter = ("is_guest", "banned_at")
    search_fields = ("=id", "user__email", "device_id")
    readonly_fields = ("user", "device_id", "is_guest", "diamonds", "created_at", "banned_at",
                       "ban_reason", "deletion_requested_at", "permanent_deletion_at")
    actions = ("ban_players", "unban_players")

    @admin.display(ordering="user__email")
    def email(self, obj: Player) -> str:
        return obj.user.email

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Ban the selected players (closes their sockets)")
    def ban_players(self, request: HttpRequest, queryset: QuerySet) -> None:
        for player_id in queryset.values_list("pk", flat=True):
            accounts.ban(player_id=player_id, reason=f"banned by {request.user.get_username()}")
        messages.success(request, f"Banned {queryset.count()} player(s).")

    @admin.action(description="Lift the ban of the selected players")
    def unban_players(self, request: HttpRequest, queryset: QuerySet) -> None:
        for player_id in queryset.values_list("pk", flat=True):
            accounts.unban(player_id=player_id)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("id", "player", "created_at", "expires_at", "revoked_at")
    search_fields = ("=player__id",)
    readonly_fields = ("player", "key_hash", "created_at", "expires_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

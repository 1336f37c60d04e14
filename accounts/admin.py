"""Operators' dashboard for accounts: players (ban closes their sockets) and tokens (read-only)."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path

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

    extra_urls: list[tuple[str, Callable[..., Any], str]] = []

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")

    def get_urls(self) -> list[URLPattern]:
        own = [path(route, self.admin_site.admin_view(view), name=name) for route, view, name in self.extra_urls]
        return own + super().get_urls()

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


def add_player_tool(
    *,
    action: Any = None,
    detail: tuple[str, Callable[[Any, Player], Any]] | None = None,
    url: tuple[str, Callable[..., Any], str] | None = None,
) -> None:
    """An app above accounts adds a tool to the player's page: an action, a read-only detail, a page of its own
    (compliance: the data export, the data summary, a deletion request)."""
    if action is not None and action not in PlayerAdmin.actions:
        PlayerAdmin.actions = (*PlayerAdmin.actions, action)
    if detail is not None and detail[0] not in PlayerAdmin.readonly_fields:
        setattr(PlayerAdmin, detail[0], detail[1])
        PlayerAdmin.readonly_fields = (*PlayerAdmin.readonly_fields, detail[0])
    if url is not None and url not in PlayerAdmin.extra_urls:
        PlayerAdmin.extra_urls = [*PlayerAdmin.extra_urls, url]

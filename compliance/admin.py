"""Operators' GDPR tools: on a player's page the data summary, the export (for a request by email) and a
deletion request; the deletion log, the exports and the tombstones, read-only."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.admin import add_player_tool
from accounts.models import Player
from compliance.models import DataExport, DeletionLog, Tombstone
from compliance.services import deletion, exports
from core.errors import GameError
from core.readonly_admin import ReadOnlyAdmin


def data_summary(admin_self: admin.ModelAdmin, player: Player) -> str:
    """`get_data_summary`: rows per kind the server holds about the player, and the export button."""
    if player.pk is None:
        return "-"
    counts = deletion.summary(player_id=player.pk)
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", sorted(counts.items()))
    link = reverse("admin:accounts_player_export", args=[player.pk])
    return format_html(
        '<table>{}</table><p><a class="button" href="{}">Download the data export (JSON)</a></p>', rows, link
    )


data_summary.short_description = "Data held (GDPR)"  # type: ignore[attr-defined]


def export_view(request: HttpRequest, player_id: int) -> HttpResponse:
    """The export, at once, for an operator answering a verified request (who may view players)."""
    if not request.user.has_perm("accounts.view_player"):
        raise PermissionDenied
    document = exports.for_operator(player_id=player_id, operator_id=request.user.pk)
    response = HttpResponse(json.dumps(document, indent=1), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="baolife-export-player-{player_id}.json"'
    return response


@admin.action(
    description="Request deletion of the selected players (grace period, then erased)", permissions=["change"]
)
def request_deletion(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    done = 0
    for player_id in queryset.values_list("pk", flat=True):
        try:
            deletion.request(player_id=player_id, reason="", by=DeletionLog.Reason.OPERATOR)
            done += 1
        except GameError as exc:
            messages.warning(request, f"Player {player_id}: {exc.message}")
    messages.success(
        request,
        f"Deletion requested for {done} player(s); `hard_delete_accounts --player ID --force` erases one at once.",
    )


add_player_tool(action=request_deletion, detail=("data_summary", data_summary))
add_player_tool(url=("<int:player_id>/export/", export_view, "accounts_player_export"))


@admin.register(DeletionLog)
class DeletionLogAdmin(ReadOnlyAdmin):
    list_display = ("receipt_id", "status", "reason", "requested_at", "grace_ends_at", "completed_at")
    list_filter = ("status", "reason")
    search_fields = ("=receipt_id",)
    exclude = ("erasure_key",)


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "player_id", "status", "requested_at", "ready_at", "expires_at", "size_bytes")
    list_filter = ("status",)
    search_fields = ("=player__id",)
    exclude = ("content",)


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyAdmin):
    list_display = ("digest", "erased_at")

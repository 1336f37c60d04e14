"""Operators' view of the economy: the ledger read-only; grants and revokes only through a form; the
catalog (prices, kinds, limits, rewards) editable, each edit validated as part of the whole catalog."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from accounts.models import Player
from core.content_admin import ContentDocumentAdmin
from core.errors import GameError
from core.readonly_admin import ReadOnlyAdmin
from monetization import catalog
from monetization.models import (
    CatalogEntry,
    DiamondTransaction,
    EnergyRefillPurchase,
    PlayerWallet,
    ProcessedTransaction,
    ReconciliationIssue,
    TimeSkipPurchase,
)
from monetization.services import ledger


class GrantForm(forms.Form):
    player_id = forms.IntegerField(min_value=1)
    amount = forms.IntegerField(help_text="Positive grants, negative revokes (never below zero).")
    reason = forms.CharField(max_length=400)

    def clean_player_id(self) -> int:
        player_id = self.cleaned_data["player_id"]
        if not Player.objects.filter(pk=player_id).exists():
            raise forms.ValidationError("No such player.")
        return player_id


@admin.register(DiamondTransaction)
class DiamondTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "player", "amount", "reason", "balance_after", "debt_after", "operator", "created_at")
    list_filter = ("reason",)
    search_fields = ("=player__id", "reference", "note")
    list_select_related = ("player", "operator")
    change_list_template = "admin/monetization/ledger_change_list.html"

    def get_urls(self) -> list:
        return [
            path("grant/", self.admin_site.admin_view(self.grant_view), name="monetization_grant")
        ] + super().get_urls()

    def grant_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("monetization.add_diamondtransaction") and not request.user.is_superuser:
            messages.error(request, "You may not grant diamonds.")
            return HttpResponseRedirect(reverse("admin:monetization_diamondtransaction_changelist"))
        form = GrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                row = ledger.operator_adjust(
                    player_id=form.cleaned_data["player_id"],
                    amount=form.cleaned_data["amount"],
                    operator_id=request.user.pk,
                    reason=form.cleaned_data["reason"],
                )
            except GameError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{row.amount:+d} diamonds; balance {row.balance_after}.")
                return HttpResponseRedirect(reverse("admin:monetization_diamondtransaction_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Grant or revoke diamonds",
            "opts": self.model._meta,
        }
        return render(request, "admin/monetization/grant.html", context)


@admin.register(PlayerWallet)
class PlayerWalletAdmin(ReadOnlyAdmin):
    """Every player's diamonds and debt (changed only through the ledger: the grant form, refunds)."""

    list_display = ("player", "diamonds", "debt")
    search_fields = ("=player__id", "player__email")
    list_select_related = ("player",)


@admin.register(EnergyRefillPurchase)
class EnergyRefillPurchaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "player", "refill_type", "price", "energy_before", "energy_after", "created_at")
    search_fields = ("=player__id",)


@admin.register(TimeSkipPurchase)
class TimeSkipPurchaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "player", "skip_type", "price", "skipped_seconds", "created_at")
    search_fields = ("=player__id",)


@admin.register(ProcessedTransaction)
class ProcessedTransactionAdmin(ReadOnlyAdmin):
    list_display = (
        "store",
        "transaction_id",
        "player",
        "product_id",
        "diamonds",
        "environment",
        "counts_as_revenue",
        "refunded_at",
        "created_at",
    )
    list_filter = ("store", "environment", "counts_as_revenue")
    search_fields = ("transaction_id", "=player__id")


@admin.register(ReconciliationIssue)
class ReconciliationIssueAdmin(ReadOnlyAdmin):
    list_display = ("player", "balance", "ledger_sum", "debt", "ledger_debt", "found_at", "resolved_at")
    list_filter = ("resolved_at",)


@admin.register(CatalogEntry)
class CatalogEntryAdmin(ContentDocumentAdmin):
    store = catalog.STORE

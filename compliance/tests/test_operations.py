"""Operators' side: the player's page (data summary, export, deletion request), the sweep of exports, the money
of an erased account (a late store refund, the nightly reconciliation)."""

import json
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Player
from compliance.models import DataExport, DeletionLog
from compliance.services import deletion, exports
from compliance.tests.builders import full_player
from monetization.models import ProcessedTransaction
from monetization.services.reconciliation import reconcile
from monetization.services.store_sync import refund_store_transaction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_superuser("op-gdpr", "op@baolife.example", "a-long-password-1")
    client.force_login(user)
    return user


def test_the_players_page_shows_the_data_held_and_exports_it(client, operator):
    built = full_player()
    page = client.get(f"/admin/accounts/player/{built.player_id}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Data held (GDPR)" in text and "game.ConversationLine" in text
    download = client.get(f"/admin/accounts/player/{built.player_id}/export/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["data"]["account"][0]["email"] == built.email
    assert LogEntry.objects.filter(user=operator, change_message__contains="Exported").count() == 1


def test_an_operator_requests_a_deletion_from_the_dashboard(client, operator):
    built = full_player()
    client.post(
        "/admin/accounts/player/",
        {"action": "request_deletion", "_selected_action": [built.player_id]},
    )
    log = DeletionLog.objects.get(player_id=built.player_id)
    assert (log.status, log.reason) == ("pending", "operator_request")
    assert Player.objects.get(pk=built.player_id).permanent_deletion_at is not None


def test_the_sweep_prepares_lost_exports_and_empties_expired_ones():
    built = full_player()
    export = DataExport.objects.get(player_id=built.player_id)  # asked, its task lost (no worker ran it)
    DataExport.objects.filter(pk=export.pk).update(requested_at=timezone.now() - timedelta(minutes=3))
    assert exports.sweep()["prepared"] == 1
    export.refresh_from_db()
    assert export.status == "ready" and export.size_bytes > 1000
    later = timezone.now() + timedelta(hours=49)
    assert exports.sweep(now=later)["expired"] == 1
    export.refresh_from_db()
    assert export.status == "expired" and export.content is None


def test_an_erased_accounts_late_refund_is_recorded_and_reconciliation_passes():
    built = full_player()
    other = full_player(2)
    deletion.request(player_id=built.player_id)
    deletion.erase(player_id=built.player_id, force=True)
    kept = ProcessedTransaction.objects.get(player__isnull=True)
    ProcessedTransaction.objects.filter(pk=kept.pk).update(refunded_at=None)
    assert refund_store_transaction(store=kept.store, transaction_id=kept.transaction_id, reason="REFUND") is False
    kept.refresh_from_db()
    assert kept.refunded_at is not None
    assert reconcile() == []  # erased rows are de-linked: no wallet to compare, no crash
    assert Player.objects.filter(pk=other.player_id).exists()

"""The ledger: every movement a row, balance = ledger sum, never negative, rewards once."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from core.errors import GameError
from core.testing import run_concurrently
from monetization.models import DiamondTransaction, PlayerWallet, ReconciliationIssue
from monetization.services import ledger, reconciliation
from monetization.services.rewards import reward_milestone

Reason = DiamondTransaction.Reason


def ledger_sum(player_id: int) -> int:
    return DiamondTransaction.objects.filter(player_id=player_id).aggregate(s=Sum("amount"))["s"] or 0


@pytest.mark.django_db
def test_credit_and_spend_write_rows_with_balance_after(make_player):
    player, _ = make_player()
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.OPERATOR_GRANT)
    row = ledger.diamonds_spend(player_id=player.pk, amount=35, reason=Reason.ENERGY_REFILL, reference="refill:full")
    assert row.amount == -35 and row.balance_after == 65
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 65 == ledger_sum(player.pk)
    assert list(DiamondTransaction.objects.values_list("amount", "balance_after").order_by("id")) == [
        (100, 100),
        (-35, 65),
    ]


@pytest.mark.django_db
def test_spend_more_than_balance_is_refused_and_changes_nothing(make_player):
    player, _ = make_player()
    ledger.diamonds_credit(player_id=player.pk, amount=5, reason=Reason.OPERATOR_GRANT)
    with pytest.raises(GameError) as err:
        ledger.diamonds_spend(player_id=player.pk, amount=10, reason=Reason.TIME_SKIP)
    assert err.value.code == "insufficient_diamonds" and err.value.extra == {"balance": 5, "price": 10}
    assert DiamondTransaction.objects.count() == 1
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 5


@pytest.mark.django_db
def test_database_forbids_negative_balance(make_player):
    player, _ = make_player()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlayerWallet.objects.update_or_create(player_id=player.pk, defaults={"diamonds": -1})


@pytest.mark.django_db
def test_milestone_reward_granted_once_however_often_replayed(make_player):
    player, _ = make_player()
    event = {"kind": "milestone", "at": 123456, "data": {"milestone": "graduation", "level": "college"}}
    assert reward_milestone(player_id=player.pk, character_id=7, event=event) == 50
    assert reward_milestone(player_id=player.pk, character_id=7, event=event) == 0
    ceo = {"kind": "milestone", "at": 999, "data": {"milestone": "became_ceo"}}
    assert reward_milestone(player_id=player.pk, character_id=7, event=ceo) == 100
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 150 == ledger_sum(player.pk)


@pytest.mark.django_db
def test_refund_of_spent_diamonds_leaves_debt_repaid_by_future_credits(make_player):
    player, _ = make_player()
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.PURCHASE)
    ledger.diamonds_spend(player_id=player.pk, amount=80, reason=Reason.TIME_SKIP)
    ledger.diamonds_clawback(
        player_id=player.pk, amount=100, reason=Reason.REFUND, reference="apple:1", dedupe_key="refund:apple:1"
    )
    assert ledger.balance(player_id=player.pk) == ledger.Balance(diamonds=0, debt=80)
    assert (
        ledger.diamonds_clawback(
            player_id=player.pk, amount=100, reason=Reason.REFUND, reference="apple:1", dedupe_key="refund:apple:1"
        )
        is None
    )
    ledger.diamonds_credit(player_id=player.pk, amount=50, reason=Reason.QUEST)
    assert ledger.balance(player_id=player.pk) == ledger.Balance(diamonds=0, debt=30)
    ledger.diamonds_credit(player_id=player.pk, amount=50, reason=Reason.QUEST)
    assert ledger.balance(player_id=player.pk) == ledger.Balance(diamonds=20, debt=0)
    assert reconciliation.reconcile() == []


@pytest.mark.django_db
def test_operator_revoke_never_below_zero(make_player):
    player, _ = make_player()
    ledger.operator_adjust(player_id=player.pk, amount=30, operator_id=None, reason="compensation")
    with pytest.raises(GameError):
        ledger.operator_adjust(player_id=player.pk, amount=-31, operator_id=None, reason="oops")
    row = ledger.operator_adjust(player_id=player.pk, amount=-30, operator_id=None, reason="abuse")
    assert row.balance_after == 0 and row.reason == Reason.OPERATOR_REVOKE and row.note == "abuse"


@pytest.mark.django_db
def test_reconciliation_flags_corrupted_balance(make_player):
    good, _ = make_player()
    bad, _ = make_player()
    for p in (good, bad):
        ledger.diamonds_credit(player_id=p.pk, amount=40, reason=Reason.PURCHASE)
    PlayerWallet.objects.filter(player_id=bad.pk).update(diamonds=1000)  # corruption outside the ledger
    issues = reconciliation.reconcile()
    assert [(i.player_id, i.balance, i.ledger_sum) for i in issues] == [(bad.pk, 1000, 40)]
    assert reconciliation.reconcile() == []  # an open issue is not reported twice
    assert ReconciliationIssue.objects.count() == 1


@pytest.mark.django_db
def test_grant_command(make_player):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    player, _ = make_player()
    call_command("grant_diamonds", str(player.pk), "25", "--reason", "support ticket 12")
    call_command("grant_diamonds", str(player.pk), "-5", "--reason", "duplicate grant")
    with pytest.raises(CommandError):
        call_command("grant_diamonds", str(player.pk), "-100", "--reason", "too much")
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 20
    assert list(DiamondTransaction.objects.values_list("reason", flat=True).order_by("id")) == [
        "operator_grant",
        "operator_revoke",
    ]


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_spends_against_balance_for_ten(make_player):
    if connection.vendor != "mysql":
        pytest.skip("real row locking is tested on MariaDB")
    player, _ = make_player()
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.PURCHASE)

    def spend(_: int) -> str:
        try:
            ledger.diamonds_spend(player_id=player.pk, amount=10, reason=Reason.TIME_SKIP)
            return "ok"
        except GameError as exc:
            return exc.code

    results = run_concurrently(50, spend)
    assert results.count("ok") == 10
    assert results.count("insufficient_diamonds") == 40
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 0 == ledger_sum(player.pk)
    assert DiamondTransaction.objects.filter(balance_after__lt=0).count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_rewards_grant_once(make_player):
    if connection.vendor != "mysql":
        pytest.skip("real row locking is tested on MariaDB")
    player, _ = make_player()
    event = {"kind": "milestone", "at": 42, "data": {"milestone": "marriage"}}
    results = run_concurrently(20, lambda _: reward_milestone(player_id=player.pk, character_id=1, event=event))
    assert sorted(results) == [0] * 19 + [25]
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 25


@pytest.mark.django_db
def test_admin_grant_form_writes_ledger_row_with_operator(client, make_player):
    from django.contrib.auth import get_user_model

    player, _ = make_player()
    operator = get_user_model().objects.create_superuser("ops", "ops@example.com", "ops-password-123")
    client.force_login(operator)
    response = client.post(
        "/admin/monetization/diamondtransaction/grant/",
        {"player_id": player.pk, "amount": 40, "reason": "outage compensation"},
    )
    assert response.status_code == 302
    row = DiamondTransaction.objects.get()
    assert (row.amount, row.operator_id, row.note, row.reason) == (
        40,
        operator.pk,
        "outage compensation",
        Reason.OPERATOR_GRANT,
    )
    refused = client.post(
        "/admin/monetization/diamondtransaction/grant/", {"player_id": player.pk, "amount": -41, "reason": "too much"}
    )
    assert refused.status_code == 200 and DiamondTransaction.objects.count() == 1
    # the ledger itself cannot be edited or deleted in the admin
    assert client.get(f"/admin/monetization/diamondtransaction/{row.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_job_milestones_pay_once_per_track_and_level_however_often_hired(make_player):
    """Quitting and being hired again into the same track paid 3 diamonds each time (103 hires, 309 💎)."""
    player, _ = make_player()
    granted = [
        reward_milestone(
            player_id=player.pk,
            character_id=9,
            event={"kind": "milestone", "at": 1000 * n, "data": {"milestone": "hired", "track": "retail"}},
        )
        for n in range(5)
    ]
    assert granted == [3, 0, 0, 0, 0]
    other_track = {"kind": "milestone", "at": 9000, "data": {"milestone": "hired", "track": "medicine"}}
    assert reward_milestone(player_id=player.pk, character_id=9, event=other_track) == 3
    promoted = {"kind": "milestone", "at": 9500, "data": {"milestone": "promotion", "track": "retail", "level": 1}}
    assert reward_milestone(player_id=player.pk, character_id=9, event=promoted) == 5
    assert reward_milestone(player_id=player.pk, character_id=9, event={**promoted, "at": 20000}) == 0


@pytest.mark.django_db
def test_retiring_pays_only_after_a_career(make_player):
    player, _ = make_player()
    idle = {"kind": "milestone", "at": 50, "data": {"milestone": "retired", "career": False, "pension": 0}}
    assert reward_milestone(player_id=player.pk, character_id=3, event=idle) == 0
    worked = {"kind": "milestone", "at": 60, "data": {"milestone": "retired", "career": True, "pension": 9000}}
    assert reward_milestone(player_id=player.pk, character_id=4, event=worked) == 20

"""Every balance must equal the sum of its ledger; a mismatch is logged, reported and listed in the admin."""

import logging

import sentry_sdk
from django.db import transaction
from django.db.models import Sum

from monetization.models import DiamondTransaction, PlayerWallet, ReconciliationIssue
from monetization.services import ledger
from monetization.services.ledger import lock_players

logger = logging.getLogger("baolife.economy")


def reconcile() -> list[ReconciliationIssue]:
    """Compare balances and debts with their ledgers; record each mismatch not already open."""
    sums = {
        row["player_id"]: row
        for row in DiamondTransaction.objects.filter(player__isnull=False)  # erased accounts: de-linked, no wallet
        .values("player_id")
        .annotate(total=Sum("amount"), debt=Sum("debt_change"))
    }
    wallets = {
        pid: (diamonds, debt)
        for pid, diamonds, debt in PlayerWallet.objects.values_list("player_id", "diamonds", "debt").iterator(
            chunk_size=2000
        )
    }
    open_issues = set(ReconciliationIssue.objects.filter(resolved_at__isnull=True).values_list("player_id", flat=True))
    found: list[ReconciliationIssue] = []
    for player_id in sorted(set(wallets) | set(sums)):
        book = sums.get(player_id, {"total": 0, "debt": 0})
        balance, debt = wallets.get(player_id, (0, 0))
        if balance == (book["total"] or 0) and debt == (book["debt"] or 0):
            continue
        if player_id in open_issues:
            continue
        issue = _confirmed_mismatch(player_id)
        if issue is None:  # a purchase landed between the two reads: not a mismatch
            continue
        logger.error(
            "diamond balance mismatch: player %s has %s, ledger says %s (debt %s vs %s)",
            player_id,
            issue.balance,
            issue.ledger_sum,
            issue.debt,
            issue.ledger_debt,
        )
        sentry_sdk.capture_message(f"diamond balance mismatch for player {player_id}", level="error")
        found.append(issue)
    return found


def _confirmed_mismatch(player_id: int) -> ReconciliationIssue | None:
    """Re-read balance, debt and ledger under the player's lock, so a purchase in flight is not flagged."""
    with transaction.atomic():
        lock_players([player_id])
        sums = DiamondTransaction.objects.filter(player_id=player_id).aggregate(
            total=Sum("amount"), debt=Sum("debt_change")
        )
        held = ledger.balance(player_id=player_id)
        total, ledger_debt = sums["total"] or 0, sums["debt"] or 0
        if held.diamonds == total and held.debt == ledger_debt:
            return None
        return ReconciliationIssue.objects.create(
            player_id=player_id, balance=held.diamonds, ledger_sum=total, debt=held.debt, ledger_debt=ledger_debt
        )

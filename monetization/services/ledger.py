"""The only write path, and the one reader, of a player's diamonds: the wallet row (balance and
debt) and a ledger row, in one transaction.

Rules (docs/economy.md): the player's row is locked (it always exists; the wallet is made on first
need under that lock), the balance moves with a conditional UPDATE, CheckConstraints forbid a
negative balance or debt, the ledger row records both after. Credits first repay any debt a
refund left behind. Lock order everywhere: a life (Character) before its Player, Players by
primary key.
"""

from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import Player
from core import metrics
from core.errors import GameError
from core.pushes import push_to_player
from monetization.models import DiamondTransaction, PlayerWallet

Reason = DiamondTransaction.Reason


@dataclass(frozen=True)
class Balance:
    diamonds: int
    debt: int


def lock_players(player_ids: list[int]) -> dict[int, Player]:
    """Row-lock players in primary-key order (the one locking helper of this app)."""
    return {p.pk: p for p in Player.objects.select_for_update().filter(pk__in=sorted(set(player_ids))).order_by("pk")}


def _wallet(player_id: int) -> PlayerWallet:
    """The wallet, made on first need (the caller holds the player's lock, so no race creates two)."""
    wallet, _ = PlayerWallet.objects.select_for_update().get_or_create(player_id=player_id)
    return wallet


def _write(
    *,
    player_id: int,
    amount: int,
    debt_change: int,
    reason: str,
    reference: str,
    dedupe_key: str | None,
    operator_id: int | None,
    note: str,
) -> DiamondTransaction:
    balance, debt = PlayerWallet.objects.filter(player_id=player_id).values_list("diamonds", "debt").get()
    row = DiamondTransaction.objects.create(
        player_id=player_id,
        amount=amount,
        debt_change=debt_change,
        reason=reason,
        reference=reference[:200],
        balance_after=balance,
        debt_after=debt,
        dedupe_key=dedupe_key,
        operator_id=operator_id,
        note=note[:500],
    )
    push_to_player(player_id, {"type": "u", "diamonds": balance})
    # counted once committed: a movement rolled back (with its savepoint or its whole transaction) never was
    transaction.on_commit(partial(metrics.ledger_moved, str(reason), amount), robust=True)
    return row


def _already(player_id: int, dedupe_key: str | None) -> DiamondTransaction | None:
    if dedupe_key is None:
        return None
    return DiamondTransaction.objects.filter(player_id=player_id, dedupe_key=dedupe_key).first()


def diamonds_credit(
    *,
    player_id: int,
    amount: int,
    reason: str,
    reference: str = "",
    dedupe_key: str | None = None,
    operator_id: int | None = None,
    note: str = "",
) -> DiamondTransaction | None:
    """Add diamonds (repaying debt first). With `dedupe_key`, at most once per player: None if done before."""
    if amount <= 0:
        raise ValueError("a credit is positive")
    with transaction.atomic():
        lock_players([player_id])
        if _already(player_id, dedupe_key):
            return None
        wallet = _wallet(player_id)
        repay = min(wallet.debt, amount)
        try:
            with transaction.atomic():  # savepoint: a racing duplicate of the same dedupe key loses here
                PlayerWallet.objects.filter(pk=player_id).update(diamonds=F("diamonds") + amount)
                row = _write(
                    player_id=player_id,
                    amount=amount,
                    debt_change=0,
                    reason=reason,
                    reference=reference,
                    dedupe_key=dedupe_key,
                    operator_id=operator_id,
                    note=note,
                )
        except IntegrityError:
            if dedupe_key and _already(player_id, dedupe_key):
                return None
            raise
        if repay:
            PlayerWallet.objects.filter(pk=player_id).update(diamonds=F("diamonds") - repay, debt=F("debt") - repay)
            _write(
                player_id=player_id,
                amount=-repay,
                debt_change=-repay,
                reason=Reason.DEBT_REPAYMENT,
                reference=f"tx:{row.pk}",
                dedupe_key=None,
                operator_id=None,
                note="repaid from a credit",
            )
        return row


def diamonds_spend(
    *, player_id: int, amount: int, reason: str, reference: str = "", operator_id: int | None = None, note: str = ""
) -> DiamondTransaction:
    """Take diamonds, or refuse with `insufficient_diamonds` (balance, price) and change nothing."""
    if amount <= 0:
        raise ValueError("a spend is positive")
    with transaction.atomic():
        lock_players([player_id])
        moved = PlayerWallet.objects.filter(pk=player_id, diamonds__gte=amount).update(diamonds=F("diamonds") - amount)
        if not moved:
            balance = PlayerWallet.objects.filter(pk=player_id).values_list("diamonds", flat=True).first() or 0
            raise GameError(
                "insufficient_diamonds",
                f"This costs {amount} diamonds; you have {balance}.",
                balance=balance,
                price=amount,
            )
        return _write(
            player_id=player_id,
            amount=-amount,
            debt_change=0,
            reason=reason,
            reference=reference,
            dedupe_key=None,
            operator_id=operator_id,
            note=note,
        )


def diamonds_clawback(
    *, player_id: int, amount: int, reason: str, reference: str, dedupe_key: str | None = None
) -> DiamondTransaction | None:
    """Take back refunded diamonds: what the balance holds now, the rest as debt (once per dedupe key)."""
    if amount <= 0:
        raise ValueError("a clawback is positive")
    with transaction.atomic():
        lock_players([player_id])
        if _already(player_id, dedupe_key):
            return None
        wallet = _wallet(player_id)
        taken = min(wallet.diamonds, amount)
        owed = amount - taken
        PlayerWallet.objects.filter(pk=player_id).update(diamonds=F("diamonds") - taken, debt=F("debt") + owed)
        return _write(
            player_id=player_id,
            amount=-taken,
            debt_change=owed,
            reason=reason,
            reference=reference,
            dedupe_key=dedupe_key,
            operator_id=None,
            note=f"refund of {amount}; {owed} owed",
        )


def forfeit_all(*, player_id: int) -> DiamondTransaction | None:
    """An erased account's diamonds and debt go (the terms: virtual items end with the account), written as one
    `erasure` movement so the kept ledger still sums to the wallet it had. Once: a re-run finds the key."""
    with transaction.atomic():
        lock_players([player_id])
        if _already(player_id, "erasure"):
            return None
        wallet = _wallet(player_id)
        if wallet.diamonds == 0 and wallet.debt == 0:
            return None
        PlayerWallet.objects.filter(pk=player_id).update(diamonds=0, debt=0)
        return _write(
            player_id=player_id,
            amount=-wallet.diamonds,
            debt_change=-wallet.debt,
            reason=Reason.ERASURE,
            reference="erasure",
            dedupe_key="erasure",
            operator_id=None,
            note="",
        )


def balance(*, player_id: int) -> Balance:
    """The player's diamonds and debt (0 and 0 before the first movement)."""
    found = PlayerWallet.objects.filter(player_id=player_id).values_list("diamonds", "debt").first()
    return Balance(diamonds=found[0], debt=found[1]) if found else Balance(diamonds=0, debt=0)


def operator_adjust(*, player_id: int, amount: int, operator_id: int | None, reason: str) -> DiamondTransaction:
    """An operator's grant (positive) or revoke (negative, never below zero), with who and why."""
    if amount == 0:
        raise GameError("bad_request", "The amount must not be zero.", fields=["amount"])
    if not reason.strip():
        raise GameError("bad_request", "Say why.", fields=["reason"])
    if amount > 0:
        row = diamonds_credit(
            player_id=player_id,
            amount=amount,
            reason=Reason.OPERATOR_GRANT,
            reference="operator",
            operator_id=operator_id,
            note=reason,
        )
        assert row is not None
        return row
    return diamonds_spend(
        player_id=player_id,
        amount=-amount,
        reason=Reason.OPERATOR_REVOKE,
        reference="operator",
        operator_id=operator_id,
        note=reason,
    )

"""A hypothesis state machine over grants, spends, refunds and rewards: the ledger always adds up."""

import itertools

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.services import signup
from core.errors import GameError
from monetization.catalog import catalog
from monetization.models import DiamondTransaction
from monetization.services import ledger
from monetization.services.rewards import reward_milestone

Reason = DiamondTransaction.Reason
_devices = itertools.count()


class Economy(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.player_id = signup.sign_in_device(device_id=f"prop-device-{next(_devices):08d}").player_id
        self.balance = catalog().grant("welcome")  # a new account starts with the welcome diamonds
        self.debt = 0
        self.refunded: set[int] = set()
        self.purchases: list[int] = []
        self.rewarded: set[int] = set()

    def _credit(self, amount: int) -> None:
        repay = min(self.debt, amount)
        self.debt -= repay
        self.balance += amount - repay

    @rule(amount=st.integers(1, 500))
    def grant(self, amount: int) -> None:
        ledger.diamonds_credit(player_id=self.player_id, amount=amount, reason=Reason.PURCHASE)
        self.purchases.append(amount)
        self._credit(amount)

    @rule(amount=st.integers(1, 500))
    def spend(self, amount: int) -> None:
        try:
            ledger.diamonds_spend(player_id=self.player_id, amount=amount, reason=Reason.TIME_SKIP)
        except GameError as exc:
            assert exc.code == "insufficient_diamonds" and amount > self.balance
        else:
            assert amount <= self.balance
            self.balance -= amount

    @rule(index=st.integers(0, 20))
    def refund(self, index: int) -> None:
        if index >= len(self.purchases):
            return
        amount = self.purchases[index]
        done = ledger.diamonds_clawback(
            player_id=self.player_id,
            amount=amount,
            reason=Reason.REFUND,
            reference=f"p{index}",
            dedupe_key=f"refund:{index}",
        )
        if index in self.refunded:
            assert done is None
            return
        self.refunded.add(index)
        taken = min(self.balance, amount)
        self.balance -= taken
        self.debt += amount - taken

    @rule(moment=st.integers(0, 5))
    def reward(self, moment: int) -> None:
        event = {"kind": "milestone", "at": moment, "data": {"milestone": "level_up"}}
        granted = reward_milestone(player_id=self.player_id, character_id=1, event=event)
        if moment in self.rewarded:
            assert granted == 0
        else:
            assert granted == 10
            self.rewarded.add(moment)
            self._credit(10)

    @invariant()
    def adds_up(self) -> None:
        rows = DiamondTransaction.objects.filter(player_id=self.player_id).aggregate(
            s=Sum("amount"), d=Sum("debt_change")
        )
        current = ledger.balance(player_id=self.player_id)
        assert current.diamonds == (rows["s"] or 0) == self.balance
        assert current.debt == (rows["d"] or 0) == self.debt
        assert current.diamonds >= 0 and current.debt >= 0
        assert not DiamondTransaction.objects.filter(player_id=self.player_id, balance_after__lt=0).exists()


@pytest.mark.django_db
def test_ledger_state_machine() -> None:
    run_state_machine_as_test(
        Economy,
        settings=settings(
            max_examples=40, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )

"""Test helpers for the economy: diamonds only ever arrive through the ledger, in tests too."""

from accounts.models import Player
from monetization.models import DiamondTransaction
from monetization.services import ledger


def fund(player: Player, diamonds: int) -> int:
    """Credit `diamonds` as an operator grant; returns the new balance."""
    row = ledger.diamonds_credit(player_id=player.pk, amount=diamonds, reason=DiamondTransaction.Reason.OPERATOR_GRANT)
    assert row is not None
    return row.balance_after

"""The economy's part in a new account: the welcome diamonds of the catalog (`grants.welcome`)."""

from accounts.hooks import on_account_created
from monetization.catalog import catalog
from monetization.models import DiamondTransaction
from monetization.services.ledger import diamonds_credit


@on_account_created(order=100, name="monetization.welcome_diamonds")
def welcome_diamonds(player_id: int) -> None:
    """Once per account (the dedupe key), through the ledger like every other movement."""
    amount = catalog().grant("welcome")
    if amount:
        diamonds_credit(
            player_id=player_id,
            amount=amount,
            reason=DiamondTransaction.Reason.WELCOME,
            reference="welcome",
            dedupe_key=f"welcome:{player_id}",
        )

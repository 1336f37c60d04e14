"""Diamond rewards for a life's milestones, granted once per milestone however often it is replayed."""

from typing import Any

from monetization.catalog import catalog
from monetization.models import DiamondTransaction
from monetization.services.ledger import diamonds_credit


def reward_milestone(*, player_id: int, character_id: int, event: dict[str, Any]) -> int:
    """Credit the milestone's reward (docs/economy.md); returns the diamonds granted now (0 if done before)."""
    data = event.get("data", {})
    name = data.get("milestone", "")
    amount = catalog().milestone_reward(name, data.get("level"))
    if amount <= 0:
        return 0
    # The engine is deterministic, so a replayed milestone has the same game moment: that is its identity.
    key = f"ms:{character_id}:{name}:{data.get('level') or ''}:{event['at']}"
    row = diamonds_credit(
        player_id=player_id,
        amount=amount,
        reason=DiamondTransaction.Reason.MILESTONE,
        reference=f"character:{character_id}:{name}",
        dedupe_key=key,
    )
    return amount if row else 0

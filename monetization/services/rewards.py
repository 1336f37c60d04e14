"""Diamond rewards for a life's milestones, granted once per milestone however often it is replayed."""

from typing import Any

from monetization.catalog import catalog
from monetization.models import DiamondTransaction
from monetization.services.ledger import diamonds_credit


def _identity(character_id: int, name: str, data: dict[str, Any], at: int) -> str:
    """What makes a reward once-only. A job milestone pays once per track and level reached in a life
    (quitting and being hired again into the same track pays nothing more); any other milestone is
    identified by its game moment (the engine is deterministic: a replay has the same moment)."""
    if name in ("hired", "promotion", "became_ceo"):
        return f"ms:{character_id}:{name}:{data.get('track') or ''}:{data.get('level') or 0}"
    return f"ms:{character_id}:{name}:{data.get('level') or ''}:{at}"


def reward_milestone(*, player_id: int, character_id: int, event: dict[str, Any]) -> int:
    """Credit the milestone's reward (docs/economy.md); returns the diamonds granted now (0 if done before)."""
    data = event.get("data", {})
    name = data.get("milestone", "")
    if name == "retired" and data.get("career") is False:
        return 0  # retiring pays only after a career
    amount = catalog().milestone_reward(name, data.get("level"))
    if amount <= 0:
        return 0
    key = _identity(character_id, name, data, event["at"])
    row = diamonds_credit(
        player_id=player_id,
        amount=amount,
        reason=DiamondTransaction.Reason.MILESTONE,
        reference=f"character:{character_id}:{name}",
        dedupe_key=key,
    )
    return amount if row else 0

"""The game's own handlers of life outcomes (see game/hooks.py for the order and the contract)."""

from game.hooks import LifeOutcome, on_outcome
from monetization.services.rewards import reward_milestone


@on_outcome("milestone", order=100, name="game.milestone_diamonds")
def milestone_diamonds(outcome: LifeOutcome) -> None:
    """Milestones pay diamonds through the ledger, once per milestone however often it is replayed."""
    reward_milestone(player_id=outcome.player_id, character_id=outcome.character_id, event=outcome.event)

"""The game's own handlers of life outcomes (see game/hooks.py for the order and the contract)."""

from analytics.services.events import record
from game.hooks import LifeOutcome, on_outcome
from monetization.services.rewards import reward_milestone


@on_outcome("milestone", order=100, name="game.milestone_diamonds")
def milestone_diamonds(outcome: LifeOutcome) -> None:
    """Milestones pay diamonds through the ledger, once per milestone however often it is replayed."""
    reward_milestone(player_id=outcome.player_id, character_id=outcome.character_id, event=outcome.event)


@on_outcome("milestone", "conversation", "person_changed", order=900, name="game.analytics")
def analytics_events(outcome: LifeOutcome) -> None:
    """The life's moments operators count (docs/analytics.md): recorded when the save commits."""
    data = outcome.data
    if outcome.kind == "conversation":
        record(
            "conversation",
            player_id=outcome.player_id,
            person_id=data.get("person_id"),
            affinity_change=data.get("affinity_change"),
            sentiment=data.get("sentiment"),
        )
    elif outcome.kind == "person_changed":
        person = data.get("person") or {}
        if data.get("reason") == "met" or "was" in data:  # a relation changed, not a mood
            record(
                "relationship_change",
                player_id=outcome.player_id,
                person_id=person.get("id"),
                relation=person.get("relation"),
                previous=data.get("was"),
                reason=data.get("reason"),
            )
    elif data.get("milestone") == "death":
        summary = data.get("summary") or {}
        record("death", player_id=outcome.player_id, age=summary.get("age"), cause=data.get("cause"))
    else:
        record("level_up", player_id=outcome.player_id, milestone=data.get("milestone"))

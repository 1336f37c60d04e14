"""Where the engine's milestones meet the rest of the game, by explicit calls (no signals).

Later issues add their hooks here: diamond rewards, achievements, quests, statistics, photos.
"""

from typing import Any

from game.models import Character

MILESTONES = frozenset(
    {
        "graduation",
        "promotion",
        "became_ceo",
        "hired",
        "fired",
        "retired",
        "marriage",
        "child_born",
        "death",
        "level_up",
    }
)


def milestone_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [ev for ev in events if ev["kind"] == "milestone"]


def handle(*, player_id: int, character: Character, events: list[dict[str, Any]]) -> None:
    """Hand each milestone of a saved advance to the services that reward it (inside the same transaction)."""
    for ev in milestone_events(events):
        _reward(player_id=player_id, character=character, event=ev)


def _reward(*, player_id: int, character: Character, event: dict[str, Any]) -> None:
    from monetization.services.rewards import reward_milestone

    reward_milestone(player_id=player_id, character_id=character.pk, event=event)

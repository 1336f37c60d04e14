"""Retention's test helpers (`grown`, a life of a given age, is in the root conftest.py)."""

from game.models import Character


def act(player_id: int, activity: str, target: str | None = None) -> dict:
    """Do an activity now, the last one's hours waived (a test does many in a row)."""
    from game.tests import play

    character = Character.objects.get(current_of_id=player_id)
    character.state = {**character.state, "busy_until": 0, "energy": 100}
    character.save(update_fields=["state"])
    return play.do_activity(player_id=player_id, activity=activity, target=target)

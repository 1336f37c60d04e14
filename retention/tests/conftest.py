"""Players with a life of a given age and some money, for retention's tests."""

import pytest

from game.models import Character
from game.tests.test_life import grow_up


@pytest.fixture
def grown(make_player):
    """grown(age=12, money=1000) -> player: a life of that age (as if played), with that much money."""

    def make(age: int = 12, money: int = 1000):
        player, _ = make_player()
        grow_up(player.pk, age)
        character = Character.objects.get(current_of_id=player.pk)
        character.state = {**character.state, "money": money, "energy": 100, "busy_until": 0}
        character.save(update_fields=["state"])
        return player

    return make


def act(player_id: int, activity: str, target: str | None = None) -> dict:
    """Do an activity now, the last one's hours waived (a test does many in a row)."""
    from game.tests import play

    character = Character.objects.get(current_of_id=player_id)
    character.state = {**character.state, "busy_until": 0, "energy": 100}
    character.save(update_fields=["state"])
    return play.do_activity(player_id=player_id, activity=activity, target=target)

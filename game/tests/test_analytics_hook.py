"""The game's life hook `game.analytics` records the life's moments from its own outcomes, once the save
commits: conversations, milestones, relationship changes, deaths."""

import pytest

from analytics.models import Event
from analytics.services import buffer
from game import life_hooks
from game.hooks import LifeOutcome
from game.models import Character
from game.services import actions

pytestmark = pytest.mark.django_db(transaction=True)


def _recorded(player_id: int) -> list[Event]:
    buffer.flush()
    return list(Event.objects.filter(player_id=player_id).order_by("id"))


def test_a_conversation_is_recorded_with_its_sentiment(grown) -> None:
    player = grown(age=12)
    state = Character.objects.get(current_of_id=player.pk).state
    parent = next(p["id"] for p in state["people"] if p["relation"] == "parent" and p["alive"])
    done = actions.talk(player_id=player.pk, person_id=parent, text="Thank you, you are wonderful!")
    [event] = [e for e in _recorded(player.pk) if e.name == "conversation"]
    assert event.properties["person_id"] == parent and event.properties["sentiment"] > 0.5
    assert event.properties["affinity_change"] == done.affinity_change


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("milestone", {"milestone": "graduation"}, ("level_up", {"milestone": "graduation"})),
        (
            "milestone",
            {"milestone": "death", "cause": "old age", "summary": {"age": 91}},
            ("death", {"age": 91, "cause": "old age"}),
        ),
        (
            "person_changed",
            {"reason": "met", "person": {"id": "p7", "relation": "friend"}},
            ("relationship_change", {"person_id": "p7", "relation": "friend", "previous": None, "reason": "met"}),
        ),
        (
            "person_changed",
            {"reason": "marriage", "was": "fiance", "person": {"id": "m3", "relation": "spouse"}},
            (
                "relationship_change",
                {"person_id": "m3", "relation": "spouse", "previous": "fiance", "reason": "marriage"},
            ),
        ),
        ("person_changed", {"reason": "affinity", "change": 3, "person": {"id": "p1"}}, None),  # a mood, not a bond
    ],
)
def test_each_outcome_maps_to_its_catalogue_event(make_player, kind, data, expected) -> None:
    player, _ = make_player()
    life_hooks.analytics_events(LifeOutcome(player_id=player.pk, character_id=1, kind=kind, at=0, data=data))
    found = [(e.name, e.properties) for e in _recorded(player.pk) if e.name != "sign_up"]
    assert found == ([expected] if expected else [])


def test_nothing_is_recorded_for_a_life_change_that_rolled_back(grown, monkeypatch) -> None:
    player = grown(age=12)
    state = Character.objects.get(current_of_id=player.pk).state
    parent = next(p["id"] for p in state["people"] if p["relation"] == "parent" and p["alive"])
    buffer.discard()

    def fail(*args, **kwargs):
        raise RuntimeError("the save failed after the hooks ran")

    monkeypatch.setattr("game.services.notify.deliver", fail)  # runs after the hooks, in the same transaction
    with pytest.raises(RuntimeError):
        actions.talk(player_id=player.pk, person_id=parent, text="Hello!")
    assert buffer.depth() == 0 and not Event.objects.filter(player_id=player.pk, name="conversation").exists()

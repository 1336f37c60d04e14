"""The life-outcome hook: apps above the game hear what happened in a life, in order, in the save's transaction."""

from io import StringIO

import pytest
from django.core.management import call_command

from game import hooks
from game.models import Character
from game.services import life
from game.tests import play
from monetization.models import DiamondTransaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded():
    seen: list[tuple[str, str]] = []

    @hooks.on_outcome("milestone", order=50, name="test.first")
    def first(outcome: hooks.LifeOutcome) -> None:
        seen.append(("first", outcome.data.get("milestone")))

    @hooks.on_outcome("milestone", order=150, name="test.last")
    def last(outcome: hooks.LifeOutcome) -> None:
        seen.append(("last", outcome.data.get("milestone")))

    yield seen
    hooks.unregister("test.first")
    hooks.unregister("test.last")


def _milestone(at: int = 1000) -> dict:
    return {"kind": "milestone", "at": at, "data": {"milestone": "graduation", "level": "college"}}


def test_the_order_is_listed_in_one_place(recorded):
    out = StringIO()
    call_command("life_hooks", stdout=out)
    lines = out.getvalue().splitlines()
    names = [line.split()[1] for line in lines]
    assert names == ["test.first", "game.milestone_diamonds", "test.last"]
    assert lines[1].split()[0] == "100" and lines[1].endswith("(milestone)")


def test_handlers_run_in_order_and_milestones_pay_through_the_ledger(make_player, recorded):
    player, _ = make_player()
    hooks.dispatch(player_id=player.pk, character_id=7, events=[_milestone(), {"kind": "payday", "at": 5, "data": {}}])
    assert recorded == [("first", "graduation"), ("last", "graduation")]
    grant = DiamondTransaction.objects.get(player_id=player.pk)
    assert (grant.reason, grant.amount) == ("milestone", 50)


def test_a_failing_handler_rolls_the_life_save_back(make_player):
    """A handler runs inside the life's save: if it fails, the whole action is undone."""
    player, _ = make_player()
    life.current_character(player_id=player.pk, lock=False)
    before = Character.objects.get(current_of_id=player.pk)

    @hooks.on_outcome("activity", order=200, name="test.broken")
    def broken(outcome: hooks.LifeOutcome) -> None:
        raise RuntimeError("a handler failed")

    try:
        with pytest.raises(RuntimeError, match="a handler failed"):
            play.do_activity(player_id=player.pk, activity="nap")
    finally:
        hooks.unregister("test.broken")
    after = Character.objects.get(pk=before.pk)
    assert (after.state, after.game_clock) == (before.state, before.game_clock)  # no nap happened
    assert play.do_activity(player_id=player.pk, activity="nap")["events"][0]["kind"] == "activity"


def test_unknown_kinds_are_refused_at_registration():
    with pytest.raises(ValueError, match="unknown outcome kinds"):
        hooks.on_outcome("marriage_proposal", order=1, name="test.bad")

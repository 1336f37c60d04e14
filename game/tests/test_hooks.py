"""The life-outcome hook: apps above the game hear what happened in a life, in order, in the save's transaction."""

from io import StringIO

import pytest
from django.core.management import call_command

from game import hooks
from game.models import Character, OfflineEvent
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
    assert names == [
        "test.first",
        "game.milestone_diamonds",
        "test.last",
        "retention.progress",
        "dating.history",
        "game.analytics",
    ]
    assert lines[1].split()[0] == "100" and lines[1].endswith("(milestone)")


def test_handlers_run_in_order_and_milestones_pay_through_the_ledger(make_player, recorded):
    player, _ = make_player()
    character = life.current_character(player_id=player.pk, lock=False)
    hooks.dispatch(character=character, events=[_milestone(), {"kind": "payday", "at": 5, "data": {}}])
    assert recorded == [("first", "graduation"), ("last", "graduation")]
    grant = DiamondTransaction.objects.get(player_id=player.pk, reason="milestone")
    assert grant.amount == 50


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


def test_a_whole_save_handler_runs_once_per_save_and_its_notices_reach_the_player(make_player):
    """`on_saved_lives` sees a save's outcomes at once (not once per outcome); what it adds to
    `notices` is told to the player like the life's own events."""
    player, _ = make_player()
    life.current_character(player_id=player.pk, lock=False)
    calls: list[int] = []

    @hooks.on_saved_lives(order=300, name="test.whole")
    def whole(saves: list[hooks.SavedLife]) -> None:
        for saved in saves:
            calls.append(len(saved.outcomes))
            saved.notices.append({"kind": "test_notice", "at": 0, "data": {"text": "Hello from a hook."}})

    try:
        reply = play.do_activity(player_id=player.pk, activity="nap")
    finally:
        hooks.unregister("test.whole")
    assert len(calls) == 1 and calls[0] >= 1
    assert reply["events"][0]["kind"] == "activity"
    kept = [row.push for row in OfflineEvent.objects.filter(player_id=player.pk)]  # offline: kept for sign-in
    assert {"type": "messageEvent", "kind": "test_notice", "text": "Hello from a hook."}.items() <= next(
        p for p in kept if p.get("kind") == "test_notice"
    ).items()

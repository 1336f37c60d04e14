"""Query counts of the hot paths, pinned: a new query on these paths is a decision, not an accident.

Each count is for the path as a player meets it; the tick's count does not grow with the lives in
a chunk (an N+1 there would cost a query per life every 10 seconds).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import content_store
from game.models import Character
from game.services import live, purchases
from game.services.tick import run_tick
from game.tests import play
from game.tests.test_life import grow_up
from monetization.catalog import catalog
from monetization.services import ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def playing(make_player):
    player, _ = make_player()
    live.sign_in(player.pk)
    live.sign_out(player.pk)
    ledger.diamonds_credit(player_id=player.pk, amount=1000, reason="operator_grant")
    catalog()  # a running process has the catalog built (rebuilt only when an operator edits it)
    content_store.warm_all()  # and every other content store (retention's)
    return player


def _idle(player_id: int) -> None:
    """Done with the last activity (its game hours waived)."""
    character = Character.objects.get(current_of_id=player_id)
    character.state = {**character.state, "busy_until": 0}
    character.save(update_fields=["state"])


def test_auth_of_a_returning_player(playing, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        play.sign_in(playing.pk)


def test_get_state(playing, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        play.get_state(playing.pk)


def test_do_activity(playing, django_assert_max_num_queries):
    # savepoint, the locked life, unlimited energy?, save, the push (kept: the player is away), the
    # reply's player row, release; +1 when a person changed (the admin's mirror). Retention (the same
    # for 1 achievement or 44): the players' progress rows locked, written; today's quests read, and
    # the quests the action moved written (at most 3)
    play.do_activity(player_id=playing.pk, activity="nap")  # the day's first action: its quests made
    _idle(playing.pk)
    with django_assert_max_num_queries(8 + 4):
        play.do_activity(player_id=playing.pk, activity="nap")


def test_the_first_action_of_a_day(playing, django_assert_max_num_queries):
    # as above, and retention makes the player's progress row and the day's quests (insert, read back)
    with django_assert_max_num_queries(8 + 8):
        play.do_activity(player_id=playing.pk, activity="nap")


def test_talk(playing, django_assert_max_num_queries):
    grow_up(playing.pk, 8)
    play.do_activity(player_id=playing.pk, activity="read")  # the day's first action: its quests made
    _idle(playing.pk)
    state = Character.objects.get(current_of_id=playing.pk).state
    person = next(p["id"] for p in state["people"] if p["alive"])
    with django_assert_max_num_queries(8 + 4):  # as an activity, with both lines in one insert
        play.talk(player_id=playing.pk, person_id=person, text="hello there")


def test_an_energy_refill(playing, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):
        purchases.purchase_energy_refill(player_id=playing.pk, refill_type="small")


@pytest.mark.parametrize("lives", [5, 40])
def test_one_tick_chunk_costs_the_same_for_5_or_40_lives(make_player, django_assert_max_num_queries, lives):
    for _ in range(lives):
        live.arrive(make_player()[0].pk)
    later = timezone.now() + timedelta(hours=2)  # a game month: birthdays, affinity, paydays
    content_store.warm_all()
    # the game's 9; retention's for the whole chunk: progress rows read, made, read back, written;
    # today's quests read, made, read back, written; the album's one insert
    with django_assert_max_num_queries(9 + 9):
        report = run_tick(now=later)
    assert report.advanced == lives

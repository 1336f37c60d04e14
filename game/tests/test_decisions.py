"""The decision loop in live play: questions wait in real time, major decisions hold the life's clock,
skips sell real waiting and stop at a decision (giving back what they did not use)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from pydantic import ValidationError

from core.errors import GameError
from core.testing import run_concurrently
from game import engine, narrate
from game.engine.ctx import Ctx
from game.engine.death import die
from game.engine.people import add_person
from game.handlers import ApplyForJobParams
from game.models import Character
from game.services import life, live, notify
from game.tests import play
from game.tests.questions import pending
from game.tests.test_life import grow_up
from monetization.models import DiamondTransaction
from monetization.tests.factories import fund

pytestmark = pytest.mark.django_db
Reason = DiamondTransaction.Reason


def held_life(player_id: int) -> Character:
    """A life of 18 held by the college decision, its clock stopped where the question came."""
    grow_up(player_id, 17)
    character = Character.objects.get(current_of_id=player_id)
    content = life.content_service.current()
    state = engine.LifeState.from_dict(character.state)
    state, _ = engine.advance(state, state.clock, state.clock + 2 * engine.YEAR, [], content)
    assert state.held_by is not None and state.held_by.template == "college_decision"
    life.apply_state(character, state)
    character.anchor_game, character.anchor_real = state.clock, timezone.now()
    character.save()
    return character


def test_a_major_decision_holds_the_clock_until_its_real_window_ends(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    character = held_life(player.pk)
    held_at, since = character.game_clock, character.anchor_real
    # 23 real hours later the life has not moved: the decision waits
    state, events = life.catch_up(character, engine.LifeState.from_dict(character.state), since + timedelta(hours=23))
    assert (state.clock, events) == (held_at, [])
    # after its 24-hour window the default answer is taken, and the life runs on from the window's end
    later = since + timedelta(hours=25)
    state, events = life.catch_up(character, engine.LifeState.from_dict(character.state), later)
    settled = [e for e in events if e.kind == "question_resolved"]
    assert settled[0].data["by"] == "expiry" and settled[0].data["choice"] == "skip"
    assert character.anchor_game == held_at and character.anchor_real == since + timedelta(hours=24)
    one_real_hour = 3600 * 360  # the hour between the window's end and `later`, in game seconds
    assert state.held_by is None and state.clock == held_at + one_real_hour


def test_answering_a_held_decision_restarts_the_clock_from_now(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    character = held_life(player.pk)
    held_at = character.game_clock
    Character.objects.filter(pk=character.pk).update(anchor_real=timezone.now() - timedelta(hours=5))
    question = character.state["pending"][-1]
    with pytest.raises(GameError) as refused:
        play.do_activity(player_id=player.pk, activity="read")
    assert refused.value.code == "forbidden" and refused.value.message.startswith("First decide: You finished")
    reply = play.choose(player_id=player.pk, event_id=question["id"], choice="business")
    assert reply["player"]["character"]["education"]["major"] == "business"
    after = Character.objects.get(pk=character.pk)
    assert after.anchor_game == held_at  # the five real hours of waiting did not age the life
    assert (timezone.now() - after.anchor_real).total_seconds() < 5


def test_a_skip_stops_at_a_major_decision_and_gives_back_what_it_did_not_use(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 17)
    fund(player, 1000)
    reply = play.purchase_time_skip(player_id=player.pk, skip_type="week")  # 7 game years: it stops at 18
    assert reply["stopped_for"]["template"] == "college_decision"
    wanted = 7 * 86400 * 360
    assert 0 < reply["skipped_seconds"] < wanted
    expected_back = int(100 * (1 - reply["skipped_seconds"] / wanted))
    assert reply["refunded"] == expected_back > 0
    assert reply["summary"][-1].startswith("The skip stopped here: a decision needs you.")
    moves = dict(
        DiamondTransaction.objects.filter(reason__in=[Reason.TIME_SKIP, Reason.SKIP_UNUSED]).values_list(
            "reason", "amount"
        )
    )
    assert moves == {Reason.TIME_SKIP: -100, Reason.SKIP_UNUSED: expected_back}
    # a second skip while the decision waits is refused and charges nothing
    with pytest.raises(GameError) as refused:
        play.purchase_time_skip(player_id=player.pk, skip_type="day")
    assert refused.value.code == "forbidden"
    assert DiamondTransaction.objects.filter(reason=Reason.TIME_SKIP).count() == 1


def test_a_question_settled_inside_a_span_is_told_as_its_outcome_not_pushed_as_open():
    events = [
        {"kind": "question", "at": 10, "data": {"event_id": "q1", "text": "Go out?", "choices": []}},
        {"kind": "question", "at": 20, "data": {"event_id": "q2", "text": "Stay in?", "choices": []}},
        {"kind": "question_resolved", "at": 30, "data": {"event_id": "q1", "by": "expiry", "text": "You went."}},
    ]
    kept = notify.worth_pushing(events)
    assert [e["data"]["event_id"] for e in kept] == ["q2", "q1"]
    assert [e["kind"] for e in kept] == ["question", "question_resolved"]


def test_the_first_minutes_of_a_new_player(make_player):
    """Within minutes a new player meets a child who can act, choose and talk: five first questions
    one after the other, three activities on the starting energy, a word with a parent."""
    player, _ = make_player()
    live.arrive(player.pk)
    answered = []
    for _ in range(5):
        waiting = play.get_state(player.pk)["character"]["pending_events"]
        assert len(waiting) == 1, waiting
        question = waiting[0]
        play.choose(player_id=player.pk, event_id=question["event_id"], choice=question["choices"][0]["id"])
        answered.append(question["text"])
    assert len(set(answered)) == 5 and play.get_state(player.pk)["character"]["pending_events"] == []
    done = []
    for activity in ("play_games", "read", "exercise"):
        Character.objects.filter(current_of_id=player.pk).update(anchor_real=timezone.now())  # no waiting needed
        character = Character.objects.get(current_of_id=player.pk)
        character.state = {**character.state, "busy_until": 0}
        character.save(update_fields=["state"])
        done.append(play.do_activity(player_id=player.pk, activity=activity)["events"][0]["data"]["activity"])
    assert done == ["play_games", "read", "exercise"]
    parent = next(p for p in play.get_state(player.pk)["character"]["people"] if p["relation"] == "parent")
    reply = play.talk(player_id=player.pk, person_id=parent["id"], text="I love you!")
    assert reply["reply"] and reply["person"]["id"] == parent["id"]


def test_the_job_board_says_what_is_open_and_applying_never_quits_silently(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 24)
    board = play.job_board(player.pk)
    open_jobs = [j for j in board["jobs"] if j["qualifies"]]
    closed = [j for j in board["jobs"] if not j["qualifies"]]
    assert open_jobs and all(j["requirement"] is None for j in open_jobs)
    assert all(j["requirement"].startswith(("Needs", "From age")) for j in closed)
    character = Character.objects.get(current_of_id=player.pk)
    track = open_jobs[0]["track"]
    if character.state["job"] is None or character.state["job"]["track"] == track:
        other = next(j for j in open_jobs if j["track"] != track)
        character.state = {**character.state, "job": {**_a_job(), "track": other["track"]}}
    else:
        other = None
    character.state = {**character.state, "busy_until": 0, "energy": 100.0}
    character.anchor_real = timezone.now()
    character.save()
    with pytest.raises(GameError) as refused:
        play.apply_for_job(player_id=player.pk, track=track)
    assert refused.value.code == "conflict" and "leave_current" in refused.value.message
    with pytest.raises(GameError) as anywhere:  # the plain activity without a track does not quit either
        play.do_activity(player_id=player.pk, activity="apply_job")
    assert anywhere.value.code == "forbidden" and "job board" in anywhere.value.message
    reply = play.apply_for_job(player_id=player.pk, track=track, leave_current=True)
    assert reply["events"][0]["data"]["activity"] == "apply_job"


def _a_job() -> dict:
    return {
        "track": "service",
        "level": 0,
        "title": "Barista",
        "salary": 20000,
        "performance": 50.0,
        "hired_at": 0,
        "level_since": 0,
        "employer": "Bean There",
    }


def test_after_a_death_the_player_goes_on_as_an_adult_child(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 60)
    character = Character.objects.get(current_of_id=player.pk)
    content = life.content_service.current()
    state = engine.LifeState.from_dict(character.state)
    ctx = Ctx(state, content)
    child = add_person(ctx, state.clock, "child", "test-heir")
    child.born_at, child.age = state.clock - 25 * engine.YEAR, 25
    state.money = 50_000
    die(ctx, state.clock, "old age")
    life.apply_state(character, state)
    character.save()
    with pytest.raises(GameError) as refused:
        play.start_new_life(player_id=player.pk, as_child="p-nobody")
    assert refused.value.code == "not_found"
    lives = Character.objects.filter(player_id=player.pk).count()
    reply = play.start_new_life(player_id=player.pk, as_child=child.id)
    heir = reply["character"]
    assert (heir["name"], heir["age"], heir["alive"], heir["money"]) == (child.name, 25, True, 40_000)
    assert any(p["name"] == state.name and p["relation"] == "parent" and not p["alive"] for p in heir["people"])
    assert Character.objects.filter(player_id=player.pk).count() == lives + 1  # the life before is kept


def test_a_new_life_is_never_handed_over_already_ended(make_player):
    """Infancy plays itself: a seed whose baby dies before 4 is passed over for the next one."""
    content = life.content_service.current()
    doomed = next(
        seed
        for seed in range(10_000)
        if engine.meet(engine.new_life(seed, (seed % 360) * engine.DAY, content), content)[0].dead
    )
    player, _ = make_player()
    character = life.start_life(player_id=player.pk, seed=doomed)
    assert character.alive and not character.state["dead"] and character.state["age"] == 4
    assert character.seed != doomed


def test_the_job_check_sees_the_life_as_it_is_now_not_as_it_was_stored(make_player):
    """A job that came while away (a question settled on catch-up, or another process) is seen by
    apply_for_job: the check runs on the locked, caught-up life (an attack found it read the stored one)."""
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 24)
    character = Character.objects.get(current_of_id=player.pk)
    state = engine.LifeState.from_dict(character.state)
    state.job, state.busy_until, state.energy = None, 0, 100.0
    state.pending = []
    # settles as a hire when its window ends during the catch-up
    pending(
        life.content_service.current(), state, "ya_job_offer", expires_at=state.clock + engine.HOUR, default="accept"
    )
    life.apply_state(character, state)
    character.anchor_game, character.anchor_real = state.clock, timezone.now() - timedelta(minutes=1)
    character.save()
    with pytest.raises(GameError) as refused:
        play.apply_for_job(player_id=player.pk, track="trades")
    assert refused.value.code == "conflict" and refused.value.extra["fields"] == ["leave_current"]
    stored = Character.objects.get(pk=character.pk).state
    assert stored["job"] is None  # refused: nothing was saved, not even the catch-up


def test_leave_current_is_a_real_boolean():
    with pytest.raises(ValidationError):
        ApplyForJobParams(track="law", leave_current="yes")
    with pytest.raises(ValidationError):
        ApplyForJobParams(track="law", leave_current=1)
    assert ApplyForJobParams(track="law", leave_current=True).leave_current is True


def test_a_skip_on_a_held_life_is_refused_as_such_even_without_the_diamonds(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    held_life(player.pk)
    with pytest.raises(GameError) as refused:  # no diamonds at all: still "decide first", not "buy diamonds"
        play.purchase_time_skip(player_id=player.pk, skip_type="week")
    assert refused.value.code == "forbidden" and refused.value.message.startswith("First decide")


def test_a_state_written_by_a_newer_process_still_loads():
    content_state = {
        "seed": 1,
        "born_at": 0,
        "clock": 0,
        "name": "A B",
        "gender": "male",
        "age": 0,
        "stage": "baby",
        "health": 50,
        "happiness": 50,
        "smarts": 50,
        "looks": 50,
        "energy": 10.0,
        "money": 0,
        "location": "X",
        "education": {"stage": "none"},
        "a_future_field": [1, 2],
    }
    state = engine.LifeState.from_dict(content_state)
    assert state.name == "A B" and "a_future_field" not in state.to_dict()


def test_a_life_that_ends_inside_a_skip_pays_only_for_the_time_it_lived(make_player):
    """A play-through found a week skip charged in full, its clock run past the death, and open
    questions pushed for the dead character."""
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 30)
    fund(player, 1000)
    character = Character.objects.get(current_of_id=player.pk)
    character.state = {**character.state, "health": 0}  # the next daily round ends this life
    character.anchor_real = timezone.now()
    character.save()
    reply = play.purchase_time_skip(player_id=player.pk, skip_type="week")
    wanted = 7 * 86400 * 360
    assert 0 < reply["skipped_seconds"] <= 2 * 86400  # it ended within the first game days
    assert reply["refunded"] == int(100 * (1 - reply["skipped_seconds"] / wanted)) >= 99
    assert not reply["player"]["character"]["alive"]
    ended = Character.objects.get(pk=character.pk)
    assert ended.state["clock"] - ended.state["died_at"] < 86400 * 360 * 7


def test_a_death_closes_every_open_question_in_the_pushes():
    events = [
        {"kind": "question", "at": 10, "data": {"event_id": "q5", "text": "Party?", "choices": []}},
        {"kind": "milestone", "at": 20, "data": {"milestone": "death", "summary": {}}},
    ]
    assert [e["kind"] for e in notify.worth_pushing(events)] == ["milestone"]


def test_a_summary_signs_the_money_it_moved():
    before = {"money": 80, "health": 50, "happiness": 50, "smarts": 50, "looks": 50, "pending": []}
    after = {**before, "money": 250}
    assert "Money: $250 (+$170)." in narrate.span(before, after, [])
    assert "Money: $0 (-$250)." in narrate.span(after, {**after, "money": 0}, [])


def test_a_summary_tells_the_span_year_by_year_in_order_with_each_question_beside_its_outcome():
    year = 360 * 86400
    before = {"clock": 10 * year, "born_at": 0, "age": 10, "money": 0, "pending": []}
    after = {**before, "clock": 17 * year, "age": 17}
    events = [
        {"kind": "question", "at": 11 * year, "data": {"event_id": "q1", "text": "A stray dog follows you home."}},
        {"kind": "milestone", "at": 12 * year + 5, "data": {"milestone": "graduation", "level": "elementary"}},
        {
            "kind": "question_resolved",
            "at": 11 * year + 9,
            "data": {"event_id": "q1", "by": "expiry", "text": "It stays."},
        },
        {"kind": "person_changed", "at": 16 * year, "data": {"reason": "died", "person": {"name": "Rose Li"}}},
    ]
    lines = narrate.span(before, after, events)
    assert lines[:4] == [
        "7 years went by: you are 17 now.",
        "At 11: Left to chance: A stray dog follows you home. It stays.",
        "At 12: You graduated from elementary school.",
        "At 16: Rose Li died.",
    ]
    short = narrate.span(before, {**before, "clock": before["clock"] + 3 * 86400}, [])
    assert short == ["3 days went by: you are 10 now.", "Time passed quietly."]


def test_a_notice_repeated_within_a_year_is_told_once_the_latest():
    year = 360 * 86400
    before = {"clock": 20 * year, "born_at": 0, "age": 20, "money": -30000, "pending": []}
    after = {**before, "clock": 21 * year - 1}
    calls = [
        {"kind": "message", "at": 20 * year + m * 30 * 86400, "data": {"topic": "collections", "text": f"Call {m}."}}
        for m in range(0, 12, 3)
    ]
    lines = narrate.span(before, after, calls)
    assert lines[1] == "At 20: Call 9."


@pytest.mark.django_db(transaction=True)
def test_forty_answers_to_one_interview_at_once_decide_it_once(make_player):
    if connection.vendor != "mysql":
        pytest.skip("real concurrency is tested on MariaDB")
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 25)
    character = Character.objects.get(current_of_id=player.pk)
    character.state = {**character.state, "job": None, "pending": [], "busy_until": 0, "energy": 100.0}
    character.save(update_fields=["state"])
    applied = play.apply_for_job(player_id=player.pk, track="service")
    interview = next(q for q in applied["player"]["character"]["pending_events"] if "interview" in q["text"])

    def answer(_: int) -> object:
        return play.choose(player_id=player.pk, event_id=interview["event_id"], choice="prepared")

    results = run_concurrently(40, answer)
    decided = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, GameError)]
    assert len(decided) == 1 and len(refused) == 39, results[:3]
    assert {r.code for r in refused} == {"not_found"}
    state = Character.objects.get(current_of_id=player.pk).state
    coworkers = [p for p in state["people"] if p["relation"] == "coworker"]
    assert (state["job"] is not None) == (len(coworkers) == 2)  # hired at most once
    assert state["counters"]["jobs_held"] <= 1 + character.state["counters"]["jobs_held"]


def test_an_activity_says_what_it_gave():
    """A nap said "done." and hid +10 energy; a visit hid the affinity it won (a play-through)."""
    assert narrate.effects({"energy": 10.0}) == "energy +10."
    assert narrate.effects({"affinity": 4.2, "happiness": 1}) == "happiness +1, affinity +4."
    assert narrate.effects({}) == "done."


def test_an_activity_not_open_yet_says_when_it_opens(make_player):
    """A child was told "Go to a party is not possible at this stage of life": neither why nor when."""
    from core.errors import GameError
    from game.tests import play

    player, _ = make_player()
    with pytest.raises(GameError) as refused:
        play.do_activity(player_id=player.pk, activity="party")
    party = life.content_service.current().activities["party"]
    assert refused.value.code == "forbidden"
    assert str(refused.value) == f"{party.name} opens at age {refused.value.extra['opens_at_age']}."
    assert refused.value.extra["opens_at_age"] > 4

"""Live play through the services: lives, actions, refusals that change nothing, tick, offline queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import presence
from core.errors import GameError
from game import engine
from game.models import Character, ConversationLine, OfflineEvent, Person
from game.services import life, live, offline, tick
from game.tests import play
from monetization.models import PlayerWallet

pytestmark = pytest.mark.django_db


def state_of(player_id: int) -> dict:
    return Character.objects.get(current_of_id=player_id).state


def test_first_sign_in_starts_a_life_with_family(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    data = play.get_state(player.pk)
    character = data["character"]
    # met at 4 (infancy played itself), the first of the guided first questions waiting
    assert character["stage"] == "child" and character["age"] == 4 and character["alive"] is True
    assert [q["event_id"] for q in character["pending_events"]] != []
    relations = sorted(p["relation"] for p in character["people"])
    assert relations.count("parent") == 2
    assert Person.objects.filter(character_id=character["id"]).count() == len(character["people"])


SURVIVOR_SEED = 1  # a life this seed starts lives past 25 (the engine is deterministic)


def grow_up(player_id: int, years: int) -> None:
    """Give the player a known life grown up to `years` of age (as if played), so the activities of
    that age are available. The life is seeded, so every run gets the same one."""
    content = life.content_service.current()
    character = life.start_life(player_id=player_id, seed=SURVIVOR_SEED)
    state = engine.LifeState.from_dict(character.state)
    state, _ = engine.advance_settling(  # decisions that hold the clock take their defaults
        state, max(state.clock, state.born_at + years * engine.YEAR + engine.DAY), content
    )
    assert not state.dead, "the survivor seed no longer survives: pick another in game/tests/test_life.py"
    life.apply_state(character, state)
    character.anchor_game = state.clock
    character.anchor_real = timezone.now()
    character.save()


def test_do_activity_moves_stats_and_spends_energy(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 20)
    character = life.current_character(player_id=player.pk, lock=False)
    # health 50: below the soft cap a gain counts in full (above it gains shrink, game/engine/ctx.py)
    character.state = {**character.state, "energy": 50.0, "busy_until": 0, "health": 50}
    character.anchor_game, character.anchor_real = character.game_clock, timezone.now() + timedelta(hours=1)
    character.save()  # the clock stands still for this test: no catch-up, no regeneration
    before = state_of(player.pk)
    reply = play.do_activity(player_id=player.pk, activity="exercise")
    after = state_of(player.pk)
    assert reply["events"][0]["kind"] == "activity" and reply["events"][0]["data"]["activity"] == "exercise"
    assert after["energy"] == 30.0  # exercise costs 20
    assert after["health"] == before["health"] + 3 == 53
    assert reply["player"]["character"]["energy"] == after["energy"]


def test_insufficient_energy_is_refused_and_changes_nothing(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 20)
    character = life.current_character(player_id=player.pk, lock=False)
    character.state = {**character.state, "energy": 0.0, "busy_until": 0}
    character.save()
    before = Character.objects.get(pk=character.pk)
    with pytest.raises(GameError) as err:
        play.do_activity(player_id=player.pk, activity="exercise")
    assert err.value.code == "insufficient_energy"
    after = Character.objects.get(pk=character.pk)
    assert after.state == before.state and after.game_clock == before.game_clock


def test_unknown_activity_is_refused(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    with pytest.raises(GameError) as err:
        play.do_activity(player_id=player.pk, activity="fly")
    assert err.value.code == "not_found"


def test_choose_unknown_event_is_not_found_and_changes_nothing(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    before = state_of(player.pk)
    with pytest.raises(GameError) as err:
        play.choose(player_id=player.pk, event_id="q999999", choice="x")
    assert err.value.code == "not_found"
    assert state_of(player.pk) == before


def with_pending_question(player_id: int) -> engine.PendingQuestion:
    """Play the life forward (as the tick would) until a question waits for an answer."""
    character = life.current_character(player_id=player_id, lock=False)
    content = life.content_service.current()
    state = engine.LifeState.from_dict(character.state)
    for _ in range(4000):
        if state.pending:
            break
        state, _ = engine.advance(state, state.clock, state.clock + engine.HOUR * 6, [], content)
    assert state.pending, "no question came up"
    life.apply_state(character, state)
    character.anchor_game, character.anchor_real = state.clock, timezone.now()
    character.save()
    return state.pending[0]


def test_choose_answers_a_pending_question(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 1)
    question = with_pending_question(player.pk)
    reply = play.choose(player_id=player.pk, event_id=question.id, choice=question.choices[-1]["id"])
    assert reply["event_id"] == question.id
    assert all(q["id"] != question.id for q in state_of(player.pk)["pending"])
    with pytest.raises(GameError) as err:  # answering twice: it is gone
        play.choose(player_id=player.pk, event_id=question.id, choice=question.choices[-1]["id"])
    assert err.value.code == "not_found"


def test_other_players_event_is_not_found(make_player):
    a, _ = make_player()
    b, _ = make_player()
    live.arrive(a.pk)
    live.arrive(b.pk)
    question = with_pending_question(a.pk)
    # question ids count per life: b's own first question may carry the same id; b has none waiting
    Character.objects.filter(current_of_id=b.pk).update(state={**state_of(b.pk), "pending": []})
    before = state_of(b.pk)
    with pytest.raises(GameError) as err:
        play.choose(player_id=b.pk, event_id=question.id, choice=question.default)
    assert err.value.code == "not_found"
    assert state_of(b.pk) == before


def test_talk_scores_sentiment_keeps_lines_and_moves_affinity(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 10)
    parent = next(p for p in state_of(player.pk)["people"] if p["relation"] == "parent" and p["alive"])
    warm = play.talk(player_id=player.pk, person_id=parent["id"], text="I love you so much, thank you!")
    assert warm["sentiment"] > 0.5 and warm["reply"]
    cold = play.talk(player_id=player.pk, person_id=parent["id"], text="I hate you, you are awful and stupid.")
    assert cold["sentiment"] < -0.5
    assert warm["affinity_change"] > cold["affinity_change"]
    lines = list(ConversationLine.objects.order_by("id").values_list("speaker", "text"))
    assert [s for s, _ in lines] == ["player", "person", "player", "person"]
    assert lines[0][1] == "I love you so much, thank you!"


def test_talk_to_unknown_person_is_not_found(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    grow_up(player.pk, 10)
    with pytest.raises(GameError) as err:
        play.talk(player_id=player.pk, person_id="p404", text="hello")
    assert err.value.code == "not_found"
    assert ConversationLine.objects.count() == 0


def test_tick_advances_lives_in_play_only(make_player, settings):
    playing, _ = make_player()
    away, _ = make_player()
    live.arrive(playing.pk)
    live.arrive(away.pk)
    now = timezone.now()
    Character.objects.filter(player_id=away.pk).update(active_until=now - timedelta(days=1))
    later = now + timedelta(seconds=30)  # 30 real s = 3 game hours at the default pace
    report = tick.run_tick(now=later)
    assert report.considered == 1 and report.advanced == 1
    assert state_of(playing.pk)["clock"] > 0


def test_tick_queues_events_for_offline_players_and_auth_drains_them(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    presence.socket_closed(player.pk)
    start = Character.objects.get(current_of_id=player.pk).game_clock
    tick.run_tick(now=timezone.now() + timedelta(hours=25))  # a game year: a birthday at least
    queued = OfflineEvent.objects.filter(player_id=player.pk).count()
    assert queued > 0
    assert Character.objects.get(current_of_id=player.pk).game_clock > start
    pushes, ids = offline.pending(player_id=player.pk)
    assert len(pushes) == queued and all("at" in p for p in pushes)
    assert [p["at"] for p in pushes] == sorted(p["at"] for p in pushes)
    assert OfflineEvent.objects.filter(player_id=player.pk).count() == queued  # kept until delivered
    offline.delivered(player_id=player.pk, ids=ids)
    assert OfflineEvent.objects.filter(player_id=player.pk).count() == 0


def test_offline_queue_keeps_at_most_the_newest_thousand(make_player, settings):
    settings.GAME_OFFLINE_QUEUE_MAX = 5
    player, _ = make_player()
    now = timezone.now()
    offline.enqueue(player_id=player.pk, pushes=[(now, {"type": "messageEvent", "n": i}) for i in range(8)])
    pushes, ids = offline.pending(player_id=player.pk)
    assert [p["n"] for p in pushes] == [3, 4, 5, 6, 7]
    offline.delivered(player_id=player.pk, ids=ids)
    assert OfflineEvent.objects.filter(player_id=player.pk).count() == 0  # the 3 beyond the cap went too


def test_hourly_purge_trims_to_the_cap_and_the_age(make_player, settings):
    settings.GAME_OFFLINE_QUEUE_MAX = 3
    player, _ = make_player()
    now = timezone.now()
    offline.enqueue(
        player_id=player.pk, pushes=[(now - timedelta(days=8), {"n": -1})] + [(now, {"n": i}) for i in range(5)]
    )
    assert offline.purge_expired() == 3
    assert [p["n"] for p in OfflineEvent.objects.order_by("id").values_list("push", flat=True)] == [2, 3, 4]


def test_life_pauses_after_seven_days_away_and_resumes(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    character = Character.objects.get(current_of_id=player.pk)
    now = timezone.now()
    paused_at = life.clock.game_time_at(character, character.active_until)
    much_later = now + timedelta(days=30)
    assert life.clock.game_time_at(character, much_later) == paused_at
    life.arrive(player_id=player.pk, now=much_later)
    character.refresh_from_db()
    assert character.game_clock == paused_at
    assert life.clock.game_time_at(character, much_later + timedelta(seconds=100)) == paused_at + 36000


def test_death_then_new_life_keeps_account(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    PlayerWallet.objects.filter(player_id=player.pk).update(diamonds=0)
    character = Character.objects.get(current_of_id=player.pk)
    character.state = {**character.state, "dead": True, "cause_of_death": "old age", "summary": {"age": 90}}
    character.alive = False
    character.save()
    with pytest.raises(GameError) as err:
        play.do_activity(player_id=player.pk, activity="exercise")
    assert err.value.code == "forbidden"
    data = play.start_new_life(player_id=player.pk)
    assert data["character"]["alive"] is True and data["character"]["id"] != character.pk
    with pytest.raises(GameError) as err:
        play.start_new_life(player_id=player.pk)
    assert err.value.code == "conflict"

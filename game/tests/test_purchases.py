"""Energy refills and time skips: prices, effects, idempotency, limits, refusals that change nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Player
from core.errors import GameError
from core.testing import run_concurrently
from game.models import Character, OfflineEvent, Person
from game.services import live, purchases
from game.tests import play
from game.tests.factories import CharacterFactory
from game.tests.test_life import grow_up, with_pending_question
from monetization.models import DiamondTransaction, EnergyRefillPurchase, IdempotencyRecord, TimeSkipPurchase
from monetization.services import ledger
from monetization.tests.factories import fund

Reason = DiamondTransaction.Reason


@pytest.fixture
def rich_player(make_player):
    player, token = make_player()
    CharacterFactory(player=player)
    fund(player, 1000)
    return player


def set_energy(player: Player, value: float) -> None:
    """Set the energy and stop the life's clock for the test (its anchor an hour ahead): a game hour
    is 10 real seconds, and a step crossed mid-test would regenerate energy."""
    character = Character.objects.get(current_of_id=player.pk)
    character.state = {**character.state, "energy": value, "busy_until": 0}
    character.anchor_game, character.anchor_real = character.game_clock, timezone.now() + timedelta(hours=1)
    character.save(update_fields=["state", "anchor_game", "anchor_real"])


def energy(player: Player) -> float:
    return Character.objects.get(current_of_id=player.pk).state["energy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("refill", "price", "start", "expected"),
    [("small", 10, 30, 50), ("medium", 20, 30, 80), ("full", 35, 30, 100), ("small", 10, 95, 100)],
)
def test_energy_refill_adds_energy_up_to_max(rich_player, refill, price, start, expected):
    set_energy(rich_player, start)
    reply = purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type=refill)
    assert reply["energy"] == pytest.approx(expected, abs=0.5)
    assert reply["diamonds"] == 1000 - price
    assert energy(rich_player) == reply["energy"]
    log = EnergyRefillPurchase.objects.get()
    assert (log.refill_type, log.price) == (refill, price)


@pytest.mark.django_db
def test_unlimited_energy_makes_actions_free_and_stacks(rich_player):
    first = purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="unlimited")
    second = purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="unlimited")
    from datetime import datetime

    end1, end2 = (
        datetime.fromisoformat(first["unlimited_energy_until"]),
        datetime.fromisoformat(second["unlimited_energy_until"]),
    )
    assert end2 - end1 == timedelta(hours=24)
    assert second["diamonds"] == 900


@pytest.mark.django_db
def test_not_enough_diamonds_changes_nothing(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    set_energy(player, 10)
    with pytest.raises(GameError) as err:
        purchases.purchase_energy_refill(player_id=player.pk, refill_type="full")
    assert err.value.code == "insufficient_diamonds" and err.value.extra == {"balance": 0, "price": 35}
    assert energy(player) == 10
    assert not EnergyRefillPurchase.objects.exists() and not DiamondTransaction.objects.exists()


@pytest.mark.django_db
def test_idempotent_repeat_returns_first_reply_and_charges_once(rich_player):
    set_energy(rich_player, 10)
    first = purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="small", idempotency_key="k1")
    again = purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="small", idempotency_key="k1")
    assert again == first
    assert DiamondTransaction.objects.filter(reason=Reason.ENERGY_REFILL).count() == 1
    with pytest.raises(GameError) as err:
        purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="full", idempotency_key="k1")
    assert err.value.code == "conflict"
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_failed_purchase_leaves_no_idempotency_record(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    with pytest.raises(GameError):
        purchases.purchase_energy_refill(player_id=player.pk, refill_type="small", idempotency_key="retry-me")
    assert not IdempotencyRecord.objects.exists()
    ledger.diamonds_credit(player_id=player.pk, amount=10, reason=Reason.OPERATOR_GRANT)
    assert (
        purchases.purchase_energy_refill(player_id=player.pk, refill_type="small", idempotency_key="retry-me")[
            "diamonds"
        ]
        == 0
    )


@pytest.mark.django_db
def test_energy_purchases_rate_limited_per_player(rich_player):
    for _ in range(10):
        purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="small")
    with pytest.raises(GameError) as err:
        purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="small")
    assert err.value.code == "rate_limited" and err.value.extra["retry_after"] > 0
    assert DiamondTransaction.objects.filter(reason=Reason.ENERGY_REFILL).count() == 10


@pytest.mark.django_db
@pytest.mark.parametrize(("skip", "price", "seconds"), [("hour", 5, 3600), ("day", 25, 86400), ("week", 100, 604800)])
def test_time_skip_runs_the_engine_and_logs_summary(rich_player, skip, price, seconds, settings):
    clock_before = Character.objects.get(current_of_id=rich_player.pk).game_clock
    reply = play.purchase_time_skip(player_id=rich_player.pk, skip_type=skip)
    seconds = int(seconds * settings.GAME_SECONDS_PER_REAL_SECOND)  # it sells real waiting: the game moves on by pace
    assert reply["skipped_seconds"] == seconds
    assert reply["summary"] and all(isinstance(line, str) for line in reply["summary"])
    character = Character.objects.get(current_of_id=rich_player.pk)
    assert character.game_clock >= clock_before + seconds
    earned = DiamondTransaction.objects.filter(reason__in=[Reason.MILESTONE, Reason.ACHIEVEMENT])
    rewards = sum(earned.values_list("amount", flat=True))
    assert reply["player"]["diamonds"] == 1000 - price + rewards  # years skipped reach milestones (achievements) too
    assert reply["refunded"] == 0 and reply["stopped_for"] is None
    log = TimeSkipPurchase.objects.get()
    assert (log.skip_type, log.price, log.skipped_seconds, log.summary) == (skip, price, seconds, reply["summary"])


@pytest.mark.django_db
def test_a_week_skip_tells_its_years_in_the_summary_not_in_hundreds_of_pushes(rich_player):
    reply = play.purchase_time_skip(player_id=rich_player.pk, skip_type="week")  # 7 game years
    assert len(reply["summary"]) >= 3
    pushes = list(OfflineEvent.objects.filter(player_id=rich_player.pk).values_list("push", flat=True))
    open_ids = {q["event_id"] for q in reply["player"]["character"]["pending_events"]}
    assert {p["type"] for p in pushes} <= {"questionEvent", "personObject", "u", "messageEvent"}
    told = {p["kind"] for p in pushes if p["type"] == "messageEvent"}
    assert told <= {"achievement", "quest_completed"}  # no messageEvent per event: only retention's news
    assert {p["event_id"] for p in pushes if p["type"] == "questionEvent"} <= open_ids
    people = [p["id"] for p in pushes if p["type"] == "personObject"]
    assert len(people) == len(set(people))  # each changed person once, as they are now
    now_people = {p["id"]: p for p in reply["player"]["character"]["people"]}
    assert all(p["age"] == now_people[p["id"]]["age"] for p in pushes if p["type"] == "personObject")
    assert people  # seven years change someone
    state_people = Character.objects.get(current_of_id=rich_player.pk).state["people"]
    mirrored = {r.person_id: r for r in Person.objects.filter(character__current_of_id=rich_player.pk)}
    assert {p["id"]: (p.get("age", 0), p) for p in state_people} == {
        k: (r.age_years, r.data) for k, r in mirrored.items()
    }  # the admin's mirror of the people follows them through the years


@pytest.mark.django_db
def test_time_skip_to_next_event_stops_at_an_event(rich_player):
    reply = play.purchase_time_skip(player_id=rich_player.pk, skip_type="next_event")
    assert 0 < reply["skipped_seconds"] <= 7 * 86400 * 360
    pending = Character.objects.get(current_of_id=rich_player.pk).state["pending"]
    assert pending and pending[-1]["created_at"] == Character.objects.get(current_of_id=rich_player.pk).game_clock


@pytest.mark.django_db
def test_time_skip_resolves_passed_questions_with_default_and_says_so(rich_player):
    question = with_pending_question(rich_player.pk)  # it expires a game day from now, inside the week
    reply = play.purchase_time_skip(player_id=rich_player.pk, skip_type="week")
    told = [line for line in reply["summary"] if "Left to chance: " in line]
    assert any(question.text in line for line in told), reply["summary"]  # the question beside its outcome
    pending = Character.objects.get(current_of_id=rich_player.pk).state["pending"]
    assert question.id not in [q["id"] for q in pending]


@pytest.mark.django_db
def test_time_skips_rate_limited(rich_player):
    for _ in range(5):
        play.purchase_time_skip(player_id=rich_player.pk, skip_type="hour")
    with pytest.raises(GameError) as err:
        play.purchase_time_skip(player_id=rich_player.pk, skip_type="hour")
    assert err.value.code == "rate_limited"


@pytest.mark.django_db(transaction=True)
def test_hundred_concurrent_identical_purchases_charge_once(make_player):
    if connection.vendor != "mysql":
        pytest.skip("real concurrency is tested on MariaDB")
    player, _ = make_player()
    live.arrive(player.pk)
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.OPERATOR_GRANT)

    def buy(_: int) -> object:
        return purchases.purchase_energy_refill(player_id=player.pk, refill_type="small", idempotency_key="same")

    results = run_concurrently(100, buy)
    assert all(isinstance(r, dict) for r in results), [r for r in results if not isinstance(r, dict)][:3]
    assert all(r == results[0] for r in results)
    assert DiamondTransaction.objects.filter(reason=Reason.ENERGY_REFILL).count() == 1
    assert EnergyRefillPurchase.objects.count() == 1
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 90


@pytest.mark.django_db(transaction=True)
def test_push_failure_after_commit_does_not_fail_the_purchase(make_player, settings):
    from channels.layers import channel_layers

    player, _ = make_player()
    live.arrive(player.pk)
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.OPERATOR_GRANT)
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "game.tests.flaky_layer.BrokenSendLayer"}}
    channel_layers.backends.clear()
    reply = purchases.purchase_energy_refill(player_id=player.pk, refill_type="small", idempotency_key="once")
    assert reply["diamonds"] == 90
    assert purchases.purchase_energy_refill(player_id=player.pk, refill_type="small", idempotency_key="once") == reply
    player.refresh_from_db()
    assert ledger.balance(player_id=player.pk).diamonds == 90


@pytest.mark.django_db
def test_refused_purchases_do_not_count_against_the_purchase_limit(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    for _ in range(8):  # eight refusals: not enough diamonds
        with pytest.raises(GameError) as refused:
            purchases.purchase_energy_refill(player_id=player.pk, refill_type="full")
        assert refused.value.code == "insufficient_diamonds"
    ledger.diamonds_credit(player_id=player.pk, amount=1000, reason=Reason.OPERATOR_GRANT)
    for _ in range(10):  # the whole allowance (10 a minute) is still there
        purchases.purchase_energy_refill(player_id=player.pk, refill_type="small")
    with pytest.raises(GameError) as limited:
        purchases.purchase_energy_refill(player_id=player.pk, refill_type="small")
    assert limited.value.code == "rate_limited"
    assert DiamondTransaction.objects.filter(reason=Reason.ENERGY_REFILL).count() == 10


@pytest.mark.django_db
def test_refused_time_skips_do_not_count_either(make_player):
    player, _ = make_player()
    live.arrive(player.pk)
    for _ in range(6):
        with pytest.raises(GameError):
            play.purchase_time_skip(player_id=player.pk, skip_type="week")
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.OPERATOR_GRANT)
    assert play.purchase_time_skip(player_id=player.pk, skip_type="hour")["skipped_seconds"] == 3600 * 360


@pytest.mark.django_db
@pytest.mark.parametrize(
    "act",
    [
        lambda pid: play.purchase_time_skip(player_id=pid, skip_type="hour"),
        lambda pid: purchases.purchase_energy_refill(player_id=pid, refill_type="small"),
        lambda pid: play.do_activity(player_id=pid, activity="exercise"),
        lambda pid: play.talk(player_id=pid, person_id="p1", text="hello"),
    ],
    ids=["time_skip", "energy_refill", "do_activity", "talk"],
)
def test_a_life_that_ended_while_catching_up_gets_one_refusal_everywhere(rich_player, act):
    """One helper catches a life up and refuses if it has ended: every verb answers alike, summary included."""
    character = Character.objects.get(current_of_id=rich_player.pk)
    character.state = {**character.state, "dead": True, "cause_of_death": "old age", "summary": {"age": 90}}
    character.save(update_fields=["state"])  # died in the engine; the tick has not saved the death yet
    with pytest.raises(GameError) as refused:
        act(rich_player.pk)
    assert refused.value.as_error() == {
        "code": "forbidden",
        "message": "This life has ended; start a new one.",
        "summary": {"age": 90},
    }
    assert ledger.balance(player_id=rich_player.pk).diamonds == 1000  # nothing charged


@pytest.mark.django_db
def test_unlimited_energy_keeps_an_activitys_own_energy_effect(rich_player):
    """Unlimited energy is the engine's input, not a faked full bar: a nap still rests (+12)."""
    purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="unlimited")
    set_energy(rich_player, 50)
    play.do_activity(player_id=rich_player.pk, activity="nap")
    assert energy(rich_player) == 62


@pytest.mark.django_db
def test_unlimited_energy_covers_talk(rich_player):
    grow_up(rich_player.pk, 8)
    purchases.purchase_energy_refill(player_id=rich_player.pk, refill_type="unlimited")
    set_energy(rich_player, 0)
    state = Character.objects.get(current_of_id=rich_player.pk).state
    parent = next(p["id"] for p in state["people"] if p["alive"])  # a parent, most often
    reply = play.talk(player_id=rich_player.pk, person_id=parent, text="I love you, thank you for everything")
    assert reply["reply"]
    assert energy(rich_player) == 0  # not charged, not refused


@pytest.mark.django_db
def test_without_unlimited_energy_talk_is_refused_when_tired(rich_player):
    grow_up(rich_player.pk, 8)
    set_energy(rich_player, 0)
    state = Character.objects.get(current_of_id=rich_player.pk).state
    parent = next(p["id"] for p in state["people"] if p["alive"])  # a parent, most often
    with pytest.raises(GameError) as refused:
        play.talk(player_id=rich_player.pk, person_id=parent, text="hello")
    assert refused.value.code == "insufficient_energy"


@pytest.mark.django_db(transaction=True)
def test_parallel_keyed_purchases_of_one_player_neither_deadlock_nor_fail(make_player):
    """Each key's record row used to be inserted before the life was locked: its foreign key took a
    shared lock on the player that the purchase then upgraded, and parallel purchases deadlocked
    (MariaDB 1213, answered `internal`). The life is locked first now."""
    player, _ = make_player()
    live.arrive(player.pk)
    ledger.diamonds_credit(player_id=player.pk, amount=1000, reason=Reason.OPERATOR_GRANT)
    results = run_concurrently(
        10,
        lambda i: purchases.purchase_energy_refill(player_id=player.pk, refill_type="small", idempotency_key=f"k{i}"),
    )
    assert [r for r in results if not isinstance(r, dict)] == []
    assert ledger.balance(player_id=player.pk).diamonds == 1000 - 10 * 10
    assert IdempotencyRecord.objects.filter(player_id=player.pk).count() == 10

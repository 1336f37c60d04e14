"""Experiments: control while not running, persisted at first exposure, read once per request, weights
frozen while running, and three variants that really change the game."""

import pytest
from django.core.management import call_command

from analytics.assignment import pick
from analytics.models import Assignment, Event, Experiment, ExperimentChange
from analytics.services import buffer, experiments
from core import requestscope
from core.errors import GameError
from core.testing import run_concurrently

pytestmark = pytest.mark.django_db


@pytest.fixture
def flags(db):
    call_command("load_content", verbosity=0)
    experiments.forget_cache()
    return Experiment.objects.in_bulk(field_name="flag")


def _events(name: str) -> list[Event]:
    buffer.flush()
    return list(Event.objects.filter(name=name))


def test_the_seven_flags_are_created_as_drafts_and_not_reset_by_a_reload(flags) -> None:
    assert set(flags) == {
        "tutorial_flow",
        "premium_pricing",
        "dating_match_algorithm",
        "daily_reward_amount",
        "notification_frequency",
        "conversation_ui",
        "energy_regeneration",
    }
    assert all(e.status == "draft" and len(e.variants) >= 2 for e in flags.values())
    experiments.start(flag="premium_pricing")
    experiments.stop(flag="premium_pricing")
    experiments.set_variants(
        flag="premium_pricing", variants=[{"name": "standard", "weight": 1}, {"name": "premium", "weight": 9}]
    )
    call_command("load_content", verbosity=0)
    e = Experiment.objects.get(flag="premium_pricing")
    assert e.status == "stopped" and e.variants[1] == {"name": "premium", "weight": 9}


def test_not_running_everyone_gets_the_control_and_nothing_is_kept(
    flags, make_player, django_capture_on_commit_callbacks
) -> None:
    player, _ = make_player()
    with django_capture_on_commit_callbacks(execute=True):
        assert experiments.variant(player.pk, "premium_pricing") == "standard"
    assert not Assignment.objects.exists() and _events("experiment_exposure") == []
    assert experiments.variant(player.pk, "no_such_flag") == ""


def test_first_exposure_persists_the_md5_variant_and_records_it_once(
    flags, make_player, django_capture_on_commit_callbacks
) -> None:
    experiments.start(flag="energy_regeneration", by="op")
    player, _ = make_player()
    expected, bucket = pick(flags["energy_regeneration"].variants, "energy_regeneration", player.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert experiments.variant(player.pk, "energy_regeneration") == expected
        assert experiments.variant(player.pk, "energy_regeneration") == expected
    row = Assignment.objects.get()
    assert (row.player_id, row.variant) == (player.pk, expected)
    [event] = _events("experiment_exposure")
    assert event.player_id == player.pk
    assert event.properties == {"flag": "energy_regeneration", "variant": expected, "bucket": bucket}
    # the stored variant wins even when the weights change later (stop, change, start)
    experiments.stop(flag="energy_regeneration")
    other = "fast" if expected == "standard" else "standard"
    experiments.set_variants(
        flag="energy_regeneration",
        variants=[
            {"name": "standard", "weight": 100 if other == "standard" else 0},
            {"name": "fast", "weight": 100 if other == "fast" else 0},
        ],
    )
    experiments.start(flag="energy_regeneration")
    assert experiments.variant(player.pk, "energy_regeneration") == expected


def test_the_assignments_are_read_once_per_request(flags, make_player, django_assert_num_queries) -> None:
    for flag in ("premium_pricing", "daily_reward_amount", "energy_regeneration"):
        experiments.start(flag=flag)
    player, _ = make_player()
    for flag in ("premium_pricing", "daily_reward_amount", "energy_regeneration"):
        experiments.variant(player.pk, flag)  # persisted
    experiments.flags()  # the definitions are cached per process
    with requestscope.scope(), django_assert_num_queries(1):
        for _ in range(5):
            for flag in ("premium_pricing", "daily_reward_amount", "energy_regeneration"):
                experiments.variant(player.pk, flag)


def test_a_running_experiments_weights_cannot_change(flags) -> None:
    experiments.start(flag="daily_reward_amount", by="alice")
    with pytest.raises(GameError) as refused:
        experiments.set_variants(
            flag="daily_reward_amount",
            variants=[{"name": "standard", "weight": 10}, {"name": "generous", "weight": 90}],
        )
    assert refused.value.code == "conflict"
    assert Experiment.objects.get(flag="daily_reward_amount").variants[0]["weight"] == 50
    experiments.stop(flag="daily_reward_amount", by="bob")
    experiments.set_variants(
        flag="daily_reward_amount",
        variants=[{"name": "standard", "weight": 10}, {"name": "generous", "weight": 90}],
        by="bob",
    )
    trail = list(
        ExperimentChange.objects.filter(experiment__flag="daily_reward_amount")
        .order_by("at", "id")
        .values_list("action", "by")
    )
    assert trail == [("start", "alice"), ("stop", "bob"), ("variants", "bob")]


@pytest.mark.parametrize(
    "variants",
    [
        [{"name": "only", "weight": 1}],
        [{"name": "a", "weight": 1}, {"name": "a", "weight": 1}],
        [{"name": "a", "weight": -1}, {"name": "b", "weight": 1}],
        [{"name": "a", "weight": 0}, {"name": "b", "weight": 0}],
        [{"name": "", "weight": 1}, {"name": "b", "weight": 1}],
        [{"name": "a", "weight": 1.5}, {"name": "b", "weight": 1}],
        [{"name": "s" * 49, "weight": 1}, {"name": "b", "weight": 1}],  # longer than the assignments' column
        [{"name": "a b", "weight": 1}, {"name": "b", "weight": 1}],
        "a,b",
    ],
)
def test_bad_variants_are_refused(flags, variants) -> None:
    with pytest.raises(GameError):
        experiments.set_variants(flag="conversation_ui", variants=variants)
    assert Experiment.objects.get(flag="conversation_ui").variants == flags["conversation_ui"].variants


def test_stopping_puts_everyone_back_on_the_control(flags, make_player) -> None:
    experiments.start(flag="premium_pricing")
    players = [make_player()[0] for _ in range(12)]
    seen = {experiments.variant(p.pk, "premium_pricing") for p in players}
    assert len(seen) > 1
    experiments.stop(flag="premium_pricing")
    assert {experiments.variant(p.pk, "premium_pricing") for p in players} == {"standard"}
    assert Assignment.objects.count() == 12  # kept for the results


@pytest.mark.django_db(transaction=True)
def test_forty_first_exposures_at_once_keep_one_assignment_and_one_exposure(make_player) -> None:
    call_command("load_content", verbosity=0)
    experiments.start(flag="premium_pricing")
    player, _ = make_player()
    buffer.discard()
    answers = run_concurrently(40, lambda i: experiments.variant(player.pk, "premium_pricing"))
    assert not [a for a in answers if isinstance(a, BaseException)], answers
    assert len(set(answers)) == 1
    assert Assignment.objects.filter(player_id=player.pk).count() == 1
    assert len(_events("experiment_exposure")) == 1


def test_once_players_are_assigned_only_weights_may_change_and_metric_changes_are_in_the_trail(
    flags, make_player
) -> None:
    experiments.start(flag="conversation_ui")
    player, _ = make_player()
    experiments.variant(player.pk, "conversation_ui")
    experiments.stop(flag="conversation_ui")
    with pytest.raises(GameError) as refused:
        experiments.set_variants(
            flag="conversation_ui", variants=[{"name": "classic", "weight": 1}, {"name": "cards", "weight": 1}]
        )
    assert refused.value.code == "conflict"
    experiments.set_variants(
        flag="conversation_ui", variants=[{"name": "classic", "weight": 20}, {"name": "bubbles", "weight": 80}]
    )
    experiments.set_details(flag="conversation_ui", by="carol", metric_event="sign_in", min_sample=50)
    change = ExperimentChange.objects.filter(experiment__flag="conversation_ui", action="metric").get()
    assert change.by == "carol" and change.after == {"metric_event": "sign_in", "min_sample": 50}


@pytest.mark.parametrize(
    "details",
    [
        {"metric_event": "no_such_event"},
        {"metric_event": "purchase", "metric_property": "zzz"},
        {"metric_kind": "median"},
        {"min_sample": 0},
    ],
)
def test_a_metric_outside_the_catalogue_is_refused(flags, details) -> None:
    with pytest.raises(GameError) as refused:
        experiments.set_details(flag="premium_pricing", **details)
    assert refused.value.code == "bad_request"
    assert not ExperimentChange.objects.filter(action="metric").exists()

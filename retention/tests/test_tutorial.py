"""The tutorial: steps tracked per player, finishing pays once, the funnel counts players per step."""

import pytest

from core.errors import GameError
from monetization.models import DiamondTransaction
from retention.services import tutorial

pytestmark = pytest.mark.django_db


def played(player) -> None:
    """What the server sees a first session do: a question answered, an activity, a talk, a claim."""
    from retention.models import LoginStreak, PlayerProgress

    PlayerProgress.objects.update_or_create(
        player_id=player.pk, defaults={"questions_answered": 1, "activities_done": 3, "conversations_held": 1}
    )
    LoginStreak.objects.update_or_create(player_id=player.pk, defaults={"claims": 1, "streak": 1})


STEPS = [
    "meet_your_character",
    "first_choice",
    "first_activity",
    "first_talk",
    "check_achievements",
    "claim_daily_reward",
]


def test_finishing_the_steps_pays_once(make_player):
    player, _ = make_player()
    played(player)
    for step in STEPS[:-1]:
        assert tutorial.step(player_id=player.pk, step=step)["reward"] == 0
    done = tutorial.step(player_id=player.pk, step=STEPS[-1])
    assert done["completed"] and done["reward"] == 20 and done["next_step"] is None
    again = tutorial.step(player_id=player.pk, step=STEPS[0])
    assert again["reward"] == 0 and again["completed"]
    assert list(
        DiamondTransaction.objects.filter(player_id=player.pk, reason="tutorial").values_list("amount", flat=True)
    ) == [20]


def test_an_unknown_step_is_refused(make_player):
    player, _ = make_player()
    with pytest.raises(GameError) as refused:
        tutorial.step(player_id=player.pk, step="skip_everything")
    assert refused.value.code == "bad_request" and refused.value.extra["fields"] == ["step"]


def test_the_funnel_counts_players_per_step(make_player):
    a, _ = make_player()
    b, _ = make_player()
    played(a)
    tutorial.step(player_id=a.pk, step=STEPS[0])
    tutorial.step(player_id=a.pk, step=STEPS[1])
    tutorial.step(player_id=b.pk, step=STEPS[0])
    rows = {r["step"]: r for r in tutorial.funnel()}
    assert rows["started"]["players"] == 2 and rows[STEPS[0]]["players"] == 2
    assert rows[STEPS[1]]["players"] == 1 and rows[STEPS[1]]["share"] == 50.0 and rows["completed"]["players"] == 0


@pytest.mark.django_db(transaction=True)
def test_forty_last_steps_at_once_pay_once(make_player):
    from core.testing import run_concurrently

    player, _ = make_player()
    played(player)
    for step in STEPS[:-1]:
        tutorial.step(player_id=player.pk, step=step)
    results = run_concurrently(40, lambda i: tutorial.step(player_id=player.pk, step=STEPS[-1]))
    assert all(isinstance(r, dict) and r["completed"] for r in results), [
        r for r in results if not isinstance(r, dict)
    ][:2]
    assert sum(r["reward"] for r in results) == 20
    paid = DiamondTransaction.objects.filter(player_id=player.pk, reason="tutorial").values_list("amount", flat=True)
    assert list(paid) == [20]


@pytest.mark.django_db(transaction=True)
def test_forty_first_steps_of_a_new_player_at_once(make_player):
    from core.testing import run_concurrently
    from retention.models import TutorialProgress

    player, _ = make_player()
    played(player)
    results = run_concurrently(40, lambda i: tutorial.step(player_id=player.pk, step=STEPS[i % 2]))
    assert all(isinstance(r, dict) for r in results), [r for r in results if not isinstance(r, dict)][:2]
    assert sorted(TutorialProgress.objects.get(player_id=player.pk).steps) == sorted(STEPS[:2])


def test_a_step_counts_only_once_the_server_has_seen_it(make_player):
    """Six `tutorial_step` calls on a fresh account paid 20 diamonds without playing (a play-through)."""
    from retention.models import TutorialProgress

    player, _ = make_player()
    assert tutorial.step(player_id=player.pk, step="meet_your_character")["steps"][0]["done"]
    for step in STEPS[1:]:
        if step == "check_achievements":
            continue
        with pytest.raises(GameError) as refused:
            tutorial.step(player_id=player.pk, step=step)
        assert refused.value.code == "conflict" and "first" in str(refused.value)
    assert TutorialProgress.objects.get(player_id=player.pk).steps == ["meet_your_character"]
    assert not DiamondTransaction.objects.filter(player_id=player.pk, reason="tutorial").exists()

"""Daily quests: stable assignment per player and day, progress from the life's own outcomes, claims
once, and a daily reset that is the same however often and from however many places it runs."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Player
from core.errors import GameError
from core.testing import run_concurrently
from monetization.models import DiamondTransaction
from retention.models import DailyQuest
from retention.rules import build
from retention.services import quests
from retention.services.content import read_files
from retention.tests.conftest import act

pytestmark = pytest.mark.django_db


def test_three_quests_a_day_stable_for_a_player_and_day_and_fit_for_the_life(grown):
    player = grown(age=8)
    now = timezone.now()
    first = quests.active(player_id=player.pk, now=now)
    again = quests.active(player_id=player.pk, now=now + timedelta(minutes=5))
    assert [q["difficulty"] for q in first["quests"]] == ["easy", "medium", "hard"]
    assert first["quests"] == again["quests"] and DailyQuest.objects.filter(player_id=player.pk).count() == 3
    assert first["next_reset_at"] and first["server_now"] == now.isoformat()
    content = build(read_files())
    for q in first["quests"]:  # a child is never asked to work overtime or earn a salary
        assert not content.quests[q["type"]].needs_job
    state = {"age": 8, "stage": "child", "job": None}
    day = now.date()
    assert quests.choose(content, player.pk, day, state) == quests.choose(content, player.pk, day, state)
    picks = {tuple(t.id for t in quests.choose(content, player.pk, day + timedelta(days=d), state)) for d in range(30)}
    assert len(picks) > 1  # another day, other quests


def test_progress_is_counted_from_the_life_and_the_reward_is_claimed_once(grown):
    player = grown(age=12)
    today = quests.active(player_id=player.pk)["quests"]
    medium = next(q for q in today if q["difficulty"] == "medium")
    DailyQuest.objects.filter(pk=medium["quest_id"]).update(template_id="five_activities", target=5, reward=15)
    with pytest.raises(GameError) as early:
        quests.claim(player_id=player.pk, quest_id=medium["quest_id"])
    assert early.value.code == "conflict"
    for activity in ("read", "exercise", "read", "study", "read"):
        act(player.pk, activity)
    shown = quests.progress_of(player_id=player.pk, quest_type="five_activities")
    assert (shown["progress"], shown["status"]) == (5, "completed") and "changes nothing" in shown["note"]
    reply = quests.claim(player_id=player.pk, quest_id=medium["quest_id"])
    assert reply["reward"] == 15 and reply["quest"]["status"] == "claimed"
    with pytest.raises(GameError) as twice:
        quests.claim(player_id=player.pk, quest_id=medium["quest_id"])
    assert twice.value.code == "conflict"
    paid = DiamondTransaction.objects.filter(player_id=player.pk, reason="quest").values_list("amount", flat=True)
    assert list(paid) == [15]


def test_a_client_cannot_report_progress(grown):
    player = grown()
    easy = quests.active(player_id=player.pk)["quests"][0]
    shown = quests.progress_of(player_id=player.pk, quest_type=easy["type"])
    assert shown["progress"] == 0 and DailyQuest.objects.get(pk=easy["quest_id"]).progress == 0
    with pytest.raises(GameError) as unknown:
        quests.progress_of(player_id=player.pk, quest_type="fly_to_the_moon")
    assert unknown.value.code == "not_found"


def test_the_daily_reset_twice_or_at_once_makes_one_set(grown):
    players = [grown(age=9) for _ in range(3)]
    Player.objects.filter(pk__in=[p.pk for p in players]).update(last_seen_at=timezone.now())
    made = quests.reset()
    assert made == 9 and quests.reset() == 0
    assert DailyQuest.objects.count() == 9


@pytest.mark.django_db(transaction=True)
def test_two_resets_at_once_make_one_set(grown):
    players = [grown(age=9) for _ in range(2)]
    Player.objects.filter(pk__in=[p.pk for p in players]).update(last_seen_at=timezone.now())
    results = run_concurrently(2, lambda i: quests.reset())
    assert all(isinstance(r, int) for r in results)
    assert DailyQuest.objects.count() == 6
    assert sorted(DailyQuest.objects.values_list("player_id", "difficulty")) == sorted(
        (p.pk, d) for p in players for d in ("easy", "medium", "hard")
    )


def test_the_quest_day_is_the_players_own(grown):
    player = grown()
    Player.objects.filter(pk=player.pk).update(time_zone="Pacific/Auckland")
    late_utc = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # already 2 June in Auckland
    assert quests.active(player_id=player.pk, now=late_utc)["day"] == "2026-06-02"


@pytest.mark.django_db(transaction=True)
def test_forty_claims_of_a_completed_quest_pay_once(grown):
    player = grown(age=12)
    quest = quests.active(player_id=player.pk)["quests"][0]
    DailyQuest.objects.filter(pk=quest["quest_id"]).update(status="completed", progress=quest["target"])
    results = run_concurrently(40, lambda i: quests.claim(player_id=player.pk, quest_id=quest["quest_id"]))
    assert sum(isinstance(r, dict) for r in results) == 1
    assert all(r.code == "conflict" for r in results if isinstance(r, GameError))
    paid = DiamondTransaction.objects.filter(player_id=player.pk, reason="quest").values_list("amount", flat=True)
    assert list(paid) == [quest["reward"]]


def test_a_quest_is_offered_only_when_its_activity_is_open_to_the_life(grown):
    """A 4-year-old was asked to "Visit your family", an activity for teens and older (a play-through)."""
    from game.services import content as game_content

    content, activities = build(read_files()), game_content.current().activities
    child = {"age": 4, "stage": "child", "job": None}
    teen = {"age": 14, "stage": "teen", "job": None}
    assert not quests.can_do(content.quests["visit_family"], child, activities)
    assert quests.can_do(content.quests["visit_family"], teen, activities)
    for day in range(60):
        picked = quests.choose(content, 1, date(2026, 1, 1) + timedelta(days=day), child, activities)
        for template in picked:
            name = template.count.split(":", 1)[1] if template.count.startswith(("activity:", "hours:")) else None
            if name:
                assert child["stage"] in activities[name].stages and activities[name].min_age <= 4


def test_hopping_zones_gives_no_second_day_of_quests(grown):
    """A player switched UTC -> Kiritimati -> GMT+12 and got three days of quests in one real day
    (an attack): a quest day never goes back, and a new one waits for the last one's own midnight."""
    player = grown()
    now = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    first = quests.active(player_id=player.pk, now=now)
    assert first["day"] == "2026-11-30"
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12", "Asia/Tokyo", "UTC"):
        Player.objects.filter(pk=player.pk).update(time_zone=zone)
        again = quests.active(player_id=player.pk, now=now + timedelta(minutes=5))
        assert again["day"] == "2026-11-30" and again["quests"] == first["quests"]
    assert DailyQuest.objects.filter(player_id=player.pk).count() == 3
    Player.objects.filter(pk=player.pk).update(time_zone="UTC")
    assert quests.active(player_id=player.pk, now=datetime(2026, 12, 1, 0, 5, tzinfo=UTC))["day"] == "2026-12-01"


def test_yesterdays_quest_cannot_be_claimed_and_progress_survives_a_zone_change(grown):
    player = grown(age=12)
    day1 = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    medium = next(q for q in quests.active(player_id=player.pk, now=day1)["quests"] if q["difficulty"] == "medium")
    DailyQuest.objects.filter(pk=medium["quest_id"]).update(status="completed", progress=medium["target"])
    with pytest.raises(GameError) as over:
        quests.claim(player_id=player.pk, quest_id=medium["quest_id"], now=datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    assert over.value.code == "conflict" and "over" in str(over.value)
    other = grown(age=12)
    today = quests.active(player_id=other.pk)["quests"]
    Player.objects.filter(pk=other.pk).update(time_zone="Pacific/Kiritimati")
    for activity in ("read", "exercise"):
        act(other.pk, activity)
    Player.objects.filter(pk=other.pk).update(time_zone="UTC")
    after = {q["quest_id"]: q for q in quests.active(player_id=other.pk)["quests"]}
    assert set(after) == {q["quest_id"] for q in today}  # the same day's quests, progress kept
    assert any(q["progress"] > 0 for q in after.values())


def test_pseudo_zones_are_not_a_players_day(make_player):
    from retention.services import calendar

    player, _ = make_player()
    for name in ("localtime", "Factory", "posix/Europe/Paris"):
        with pytest.raises(GameError):
            calendar.set_time_zone(player_id=player.pk, name=name)
    assert calendar.set_time_zone(player_id=player.pk, name="Europe/Paris") == {"time_zone": "Europe/Paris"}

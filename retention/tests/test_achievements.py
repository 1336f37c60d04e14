"""Achievements, statistics and the album, fed by real saves of a life through the game's hook."""

import pytest

from core.testing import run_concurrently
from game.models import OfflineEvent
from game.tests import play
from monetization.models import DiamondTransaction
from monetization.tests.factories import fund
from retention.models import Photo, PlayerAchievement, PlayerProgress
from retention.selectors import statistics
from retention.services import achievements, album
from retention.tally import STATISTICS
from retention.tests.conftest import act

pytestmark = pytest.mark.django_db


def rewards(player_id: int) -> list[tuple[str, int]]:
    return list(
        DiamondTransaction.objects.filter(player_id=player_id, reason="achievement").values_list("reference", "amount")
    )


def test_a_purchase_unlocks_its_achievement_once_pays_once_and_tells_the_player(grown):
    player = grown()
    act(player.pk, "shop", "candy")
    act(player.pk, "shop", "comic_book")
    assert rewards(player.pk) == [("achievement:first_purchase", 10)]
    row = PlayerAchievement.objects.get(player_id=player.pk)
    assert (row.achievement_id, row.reward) == ("first_purchase", 10)
    assert PlayerProgress.objects.get(player_id=player.pk).unlocked == ["first_purchase"]
    told = [e.push for e in OfflineEvent.objects.filter(player_id=player.pk) if e.push.get("kind") == "achievement"]
    assert len(told) == 1 and told[0]["type"] == "messageEvent"
    assert told[0]["text"] == "Achievement unlocked: Retail Therapy. Buy something. +10 diamonds."


def test_the_listing_shows_progress_and_hides_secrets(grown):
    player = grown()
    act(player.pk, "shop", "candy")
    listing = achievements.listing(player_id=player.pk)
    assert [a["id"] for a in listing["unlocked"]] == ["first_purchase"] and listing["unlocked"][0]["unlocked_at"]
    assert listing["secret_hidden"] == 13 and listing["total"] == 44
    locked = {a["id"]: a for a in listing["locked"]}
    assert len(locked) == 44 - 13 - 1 and not any(a["secret"] for a in locked.values())
    assert (locked["shopaholic"]["progress"], locked["shopaholic"]["target"]) == (1, 25)
    assert (locked["heart_to_heart"]["progress"], locked["heart_to_heart"]["target"]) == (0, 100)
    assert "progress" not in locked["golden_years"]  # an age, not a count


def test_statistics_count_what_the_life_did(grown):
    player = grown()
    for activity in ("read", "read", "exercise"):
        act(player.pk, activity)
    stats = statistics(player_id=player.pk)["statistics"]
    assert list(stats) == list(STATISTICS) and len(stats) == 16
    assert stats["activities_done"] == 3


def test_a_skip_through_the_years_fills_the_album(grown):
    player = grown(age=10, money=10_000)
    fund(player, 500)
    play.purchase_time_skip(player_id=player.pk, skip_type="week")  # 7 game years: school, a new stage ...
    page = album.page(player_id=player.pk, limit=1)  # the skip stops at the first major decision
    assert len(page["photos"]) == 1 and page["next_before"] == page["photos"][-1]["photo_id"]
    first = page["photos"][0]
    assert first["caption"].endswith(".") and first["age"] >= 10 and first["taken_at"]
    rest = album.page(player_id=player.pk, limit=100, before=page["next_before"])
    assert rest["photos"] and rest["next_before"] is None
    assert {p["photo_id"] for p in rest["photos"]}.isdisjoint({p["photo_id"] for p in page["photos"]})
    assert any(p["caption"].startswith(f"{first['character_name'].split()[0]} ") for p in rest["photos"])
    kinds = {p.kind for p in Photo.objects.filter(player_id=player.pk)}
    assert "milestone" in kinds  # a new stage of life (a teenager)
    stats = statistics(player_id=player.pk)["statistics"]
    assert stats["years_lived"] >= 6


@pytest.mark.django_db(transaction=True)
def test_forty_purchases_at_once_pay_the_achievement_once(grown):
    player = grown(money=100_000)
    results = run_concurrently(40, lambda i: act(player.pk, "shop", "candy"))
    done = sum(isinstance(r, dict) for r in results)
    assert done >= 1
    paid = [reference for reference, _ in rewards(player.pk)]
    assert paid.count("achievement:first_purchase") == 1 and len(paid) == len(set(paid))
    unlocked = list(PlayerAchievement.objects.filter(player_id=player.pk).values_list("achievement_id", flat=True))
    assert sorted(unlocked) == sorted(p.split(":")[1] for p in paid)
    assert ("shopaholic" in unlocked) == (done >= 25)


def test_money_an_answer_brings_counts_as_earned():
    """A found wallet raised the money but `money_earned` stayed 0 (a play-through)."""
    from retention import tally

    counts, _ = tally.count(
        [
            {"kind": "question_resolved", "at": 0, "data": {"by": "player", "effects": {"money": 50}}},
            {"kind": "activity", "at": 0, "data": {"activity": "party", "effects": {"money": -40}}},
            {"kind": "payday", "at": 0, "data": {"amount": 600}},
        ],
        born_at=0,
    )
    assert (counts["earned"], counts["spent"], counts["answered"]) == (650, 40, 1)

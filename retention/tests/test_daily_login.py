"""The 7-day login cycle: one claim per day of the player's own calendar, across day boundaries,
time zones (a change of zone, a DST change), a missed day, and concurrent claims (pay once)."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Player
from core.errors import GameError
from core.testing import run_concurrently
from game.models import Character
from game.services import life
from monetization.models import DiamondTransaction
from retention.models import LoginStreak
from retention.services import calendar, login

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, UTC


def paid(player_id: int) -> list[int]:
    return list(
        DiamondTransaction.objects.filter(player_id=player_id, reason="daily_login")
        .order_by("id")
        .values_list("amount", flat=True)
    )


def test_check_shows_the_cycle_the_reset_and_the_server_clock(make_player):
    player, _ = make_player()
    view = login.check(player_id=player.pk, now=T0)
    assert (view["streak"], view["day_in_cycle"], view["claimable"]) == (0, 1, True)
    assert [r["diamonds"] for r in view["rewards"]] == [5, 10, 10, 15, 10, 25, 50]
    assert sum(r["energy"] for r in view["rewards"]) == 50 and view["rewards"][6]["item"]
    assert view["next_reset_at"] == "2026-03-03T00:00:00+00:00" and view["server_now"] == T0.isoformat()


def test_a_week_of_claims_pays_the_cycle_once_a_day_and_a_second_claim_is_a_conflict(make_player):
    player, _ = make_player()
    life.current_character(player_id=player.pk, lock=False)
    for day in range(7):
        now = T0 + timedelta(days=day)
        reply = login.claim(player_id=player.pk, now=now)
        assert (reply["streak"], reply["day_in_cycle"]) == (day + 1, day + 1)
        with pytest.raises(GameError) as refused:
            login.claim(player_id=player.pk, now=now + timedelta(hours=3))
        assert refused.value.code == "conflict" and refused.value.extra["next_reset_at"]
    assert paid(player.pk) == [5, 10, 10, 15, 10, 25, 50] and sum(paid(player.pk)) == 125
    assert reply["reward"]["item"]  # day 7: an item went into the life's belongings
    state = Character.objects.get(current_of_id=player.pk).state
    assert sum(state["inventory"].values()) >= 1
    again = login.claim(player_id=player.pk, now=T0 + timedelta(days=7))
    assert (again["day_in_cycle"], again["streak"]) == (1, 8)  # the cycle starts over, the streak goes on


def test_a_missed_day_starts_the_cycle_again(make_player):
    player, _ = make_player()
    login.claim(player_id=player.pk, now=T0)
    login.claim(player_id=player.pk, now=T0 + timedelta(days=1))
    view = login.check(player_id=player.pk, now=T0 + timedelta(days=3))
    assert (view["streak"], view["day_in_cycle"], view["claimable"]) == (0, 1, True)
    assert login.claim(player_id=player.pk, now=T0 + timedelta(days=3))["day_in_cycle"] == 1


def test_the_day_is_the_players_own(make_player):
    player, _ = make_player()
    calendar.set_time_zone(player_id=player.pk, name="Asia/Tokyo")  # UTC+9: 15:00 UTC is midnight
    login.claim(player_id=player.pk, now=datetime(2026, 3, 2, 14, 0, tzinfo=UTC))  # 23:00 in Tokyo
    assert login.claim(player_id=player.pk, now=datetime(2026, 3, 2, 15, 30, tzinfo=UTC))["day_in_cycle"] == 2
    view = login.check(player_id=player.pk, now=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    assert view["next_reset_at"] == "2026-03-04T00:00:00+09:00"


def test_changing_zone_never_gives_two_claims_in_one_day(make_player):
    """Claim late at night in UTC, then move west: the old zone's midnight passes while it is still
    the same day where the player now is; and move east: a day that began earlier does not count."""
    player, _ = make_player()
    login.claim(player_id=player.pk, now=datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    calendar.set_time_zone(player_id=player.pk, name="America/Los_Angeles")  # 15:00 local, same day
    for hour in (0, 1, 5):  # past midnight UTC, still Monday afternoon/evening in Los Angeles
        with pytest.raises(GameError):
            login.claim(player_id=player.pk, now=datetime(2026, 3, 3, hour, 0, tzinfo=UTC))
    assert login.claim(player_id=player.pk, now=datetime(2026, 3, 3, 8, 30, tzinfo=UTC))["day_in_cycle"] == 2
    calendar.set_time_zone(player_id=player.pk, name="Pacific/Kiritimati")  # UTC+14: already Wednesday
    with pytest.raises(GameError):  # ... but the claim's own local midnight (LA) has not passed
        login.claim(player_id=player.pk, now=datetime(2026, 3, 3, 10, 30, tzinfo=UTC))
    assert len(paid(player.pk)) == 2


def test_a_dst_change_day_is_one_day(make_player):
    """Europe/Paris moves its clocks forward on 29 March 2026: that local day lasts 23 hours."""
    player, _ = make_player()
    calendar.set_time_zone(player_id=player.pk, name="Europe/Paris")
    login.claim(player_id=player.pk, now=datetime(2026, 3, 28, 22, 30, tzinfo=UTC))  # 23:30 on the 28th
    assert login.check(player_id=player.pk, now=datetime(2026, 3, 28, 22, 45, tzinfo=UTC))["next_reset_at"] == (
        "2026-03-29T00:00:00+01:00"
    )
    login.claim(player_id=player.pk, now=datetime(2026, 3, 28, 23, 5, tzinfo=UTC))  # 00:05 on the 29th
    view = login.check(player_id=player.pk, now=datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    assert view["next_reset_at"] == "2026-03-30T00:00:00+02:00" and not view["claimable"]
    assert login.claim(player_id=player.pk, now=datetime(2026, 3, 29, 22, 1, tzinfo=UTC))["day_in_cycle"] == 3


def test_an_unknown_time_zone_is_refused_and_changes_nothing(make_player):
    player, _ = make_player()
    with pytest.raises(GameError) as refused:
        calendar.set_time_zone(player_id=player.pk, name="Mars/Olympus_Mons")
    assert refused.value.code == "bad_request" and refused.value.extra["fields"] == ["time_zone"]
    assert Player.objects.get(pk=player.pk).time_zone == "UTC"


@pytest.mark.django_db(transaction=True)
def test_forty_claims_at_once_pay_once(make_player):
    player, _ = make_player()
    life.current_character(player_id=player.pk, lock=False)
    results = run_concurrently(40, lambda i: login.claim(player_id=player.pk, now=T0))
    ok = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, GameError)]
    assert len(ok) == 1 and len(refused) == 39 and all(r.code == "conflict" for r in refused)
    assert paid(player.pk) == [5]
    assert LoginStreak.objects.get(player_id=player.pk).claims == 1

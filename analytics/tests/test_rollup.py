"""The daily roll-up: per day and event, events and distinct players; repeatable; raw events purged only
past the retention and only once their day is rolled up."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from analytics.models import DailyRollup, Event
from analytics.services import rollup

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _event(name: str, player_id: int | None, at: datetime) -> None:
    Event.objects.create(
        uid=f"{name}{player_id}{at.timestamp()}{Event.objects.count()}", name=name, player_id=player_id, at=at
    )


def test_days_are_summed_once_and_again_the_same(make_player, settings) -> None:
    settings.ANALYTICS_RETENTION_DAYS = 90
    a, _ = make_player()
    b, _ = make_player()
    day1 = NOW - timedelta(days=2)
    for _ in range(3):
        _event("sign_in", a.pk, day1)
    _event("sign_in", b.pk, day1 + timedelta(hours=1))
    _event("death", a.pk, day1 + timedelta(hours=2))
    _event("sign_in", a.pk, NOW - timedelta(days=1))
    _event("sign_in", a.pk, NOW)  # today: not finished, not rolled up
    done = rollup.roll_up(now=NOW)
    assert done == {"days_rolled_up": 2, "events_purged": 0}
    table = set(DailyRollup.objects.values_list("day", "name", "events", "players"))
    assert table == {
        (day1.date(), "sign_in", 4, 2),
        (day1.date(), "death", 1, 1),
        ((NOW - timedelta(days=1)).date(), "sign_in", 1, 1),
    }
    rollup.roll_up(now=NOW)  # again: the same table (the last day summed once more)
    rollup.roll_up(now=NOW, days=5)
    assert set(DailyRollup.objects.values_list("day", "name", "events", "players")) == table


def test_raw_events_past_the_retention_go_once_rolled_up(settings) -> None:
    settings.ANALYTICS_RETENTION_DAYS = 30
    old = NOW - timedelta(days=40)
    recent = NOW - timedelta(days=10)
    for i in range(7):
        _event("sign_in", None, old + timedelta(minutes=i))
    _event("sign_in", None, recent)
    assert rollup.purge(now=NOW) == 0  # nothing rolled up yet: nothing may go
    done = rollup.roll_up(now=NOW)
    assert done["events_purged"] == 7
    assert Event.objects.count() == 1
    assert DailyRollup.objects.get(day=old.date()).events == 7  # the totals stay


def test_the_command_runs_the_job_now(capsys) -> None:
    _event("sign_in", None, datetime.now(UTC) - timedelta(days=1))
    call_command("analytics_rollup")
    assert "days rolled up: " in capsys.readouterr().out
    assert DailyRollup.objects.filter(name="sign_in").exists()


def test_rolling_up_again_never_erases_totals_past_the_retention(settings) -> None:
    settings.ANALYTICS_RETENTION_DAYS = 30
    old = NOW - timedelta(days=200)
    for i in range(3):
        _event("sign_in", None, old + timedelta(minutes=i))
    rollup.roll_up_day(old.date())
    Event.objects.all().delete()  # purged long ago
    rollup.roll_up(now=NOW, days=400)
    assert DailyRollup.objects.get(day=old.date()).events == 3

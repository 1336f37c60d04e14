"""Daily roll-up of the raw events, and their purge after ANALYTICS_RETENTION_DAYS.

Each day (UTC) is summed into `analytics_daily` (events and distinct players per event name); summing a
day again replaces its rows, so a roll-up repeated or resumed after a crash gives the same table. Raw
events are deleted only once their day is rolled up, in batches of a few thousand rows (each its own
short transaction: no long lock on a table the flush writes to).
"""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from analytics.models import DailyRollup, Event

PURGE_BATCH = 5000


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def roll_up_day(day: date) -> int:
    """Sum one day's events into `analytics_daily`; returns the number of event names."""
    start, end = _bounds(day)
    rows = list(
        Event.objects.filter(at__gte=start, at__lt=end)
        .values("name")
        .annotate(events=Count("id"), players=Count("player_id", distinct=True))
    )
    if not rows:  # no raw events (none that day, or purged after the retention): its totals stay as they are
        return 0
    with transaction.atomic():
        DailyRollup.objects.filter(day=day).delete()
        DailyRollup.objects.bulk_create(
            [DailyRollup(day=day, name=r["name"], events=r["events"], players=r["players"]) for r in rows]
        )
    return len(rows)


def roll_up(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Roll up every finished day not rolled up yet (and yesterday again: late events), then purge the
    raw events older than the retention. `days`: roll up the last `days` days again whatever was done."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    last_done = DailyRollup.objects.order_by("-day").values_list("day", flat=True).first()
    first_event = Event.objects.aggregate(first=Min("at"))["first"]
    if days is not None:
        start = today - timedelta(days=days)
    elif last_done is not None:
        start = last_done  # the last day rolled may have had late events: once more
    elif first_event is not None:
        start = first_event.date()
    else:
        start = today
    rolled = 0
    day = start
    while day < today:
        roll_up_day(day)
        rolled += 1
        day += timedelta(days=1)
    return {"days_rolled_up": rolled, "events_purged": purge(now=now)}


def purge(*, now: datetime | None = None) -> int:
    """Delete raw events older than the retention whose day is rolled up, a batch at a time."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ANALYTICS_RETENTION_DAYS)
    last_done = DailyRollup.objects.order_by("-day").values_list("day", flat=True).first()
    if last_done is None:
        return 0
    rolled_until, _ = _bounds(last_done)  # the last rolled day itself may still get a late roll-up
    cutoff = min(cutoff, rolled_until)
    deleted = 0
    while True:
        ids = list(Event.objects.filter(at__lt=cutoff).order_by("at").values_list("id", flat=True)[:PURGE_BATCH])
        if not ids:
            return deleted
        deleted += Event.objects.filter(id__in=ids).delete()[0]

"""The offline queue: pushes kept while a player is away (at most 1,000, at most 7 days).

Writing is one `bulk_create` (the tick writes a whole chunk's at once); the cap is applied when
the queue is read (only the newest 1,000 are sent) and by the hourly purge, not on every write.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from game.models import OfflineEvent

Kept = tuple[int, datetime, dict[str, Any]]  # (player id, real time, push)


def enqueue_many(items: list[Kept]) -> None:
    if items:
        OfflineEvent.objects.bulk_create([OfflineEvent(player_id=pid, at=at, push=push) for pid, at, push in items])


def enqueue(*, player_id: int, pushes: list[tuple[datetime, dict[str, Any]]]) -> None:
    """Keep one player's (real time, push) pairs for later."""
    enqueue_many([(player_id, at, push) for at, push in pushes])


def pending(*, player_id: int) -> tuple[list[dict[str, Any]], list[int]]:
    """The newest kept pushes (at most the cap, at most 7 days old), oldest first, each with its
    original `at`, and their ids.

    They stay queued until `delivered` confirms them, so a socket that drops mid-way loses none
    (a second socket signing in meanwhile may receive them too: at least once, never never).
    """
    horizon = timezone.now() - timedelta(days=settings.GAME_OFFLINE_QUEUE_DAYS)
    rows = list(
        OfflineEvent.objects.filter(player_id=player_id, at__gte=horizon)
        .order_by("-id")
        .values_list("id", "at", "push")[: settings.GAME_OFFLINE_QUEUE_MAX]
    )
    rows.reverse()
    return [{**push, "at": at.isoformat()} for _, at, push in rows], [row[0] for row in rows]


def delivered(*, player_id: int, ids: list[int]) -> None:
    """Drop the pushes a socket has sent, and the older ones beyond the cap that were never to be sent."""
    if ids:
        OfflineEvent.objects.filter(Q(id__in=ids) | Q(id__lt=min(ids)), player_id=player_id).delete()


def purge_expired() -> int:
    """Hourly: drop what is older than 7 days, and each player's oldest beyond the cap."""
    horizon = timezone.now() - timedelta(days=settings.GAME_OFFLINE_QUEUE_DAYS)
    deleted, _ = OfflineEvent.objects.filter(at__lt=horizon).delete()
    cap = settings.GAME_OFFLINE_QUEUE_MAX
    over = OfflineEvent.objects.values("player_id").annotate(n=Count("id")).filter(n__gt=cap)
    for row in over:
        cutoff = (
            OfflineEvent.objects.filter(player_id=row["player_id"]).order_by("-id").values_list("id", flat=True)[cap]
        )
        trimmed, _ = OfflineEvent.objects.filter(player_id=row["player_id"], id__lte=cutoff).delete()
        deleted += trimmed
    return deleted

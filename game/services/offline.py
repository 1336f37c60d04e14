"""The offline queue: pushes kept while a player is away (at most 1,000, at most 7 days)."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from game.models import OfflineEvent


def enqueue(*, player_id: int, pushes: list[tuple[datetime, dict[str, Any]]]) -> None:
    """Keep (real time, push) pairs for later; the oldest beyond the cap are dropped."""
    if not pushes:
        return
    OfflineEvent.objects.bulk_create([OfflineEvent(player_id=player_id, at=at, push=p) for at, p in pushes])
    cap = settings.GAME_OFFLINE_QUEUE_MAX
    cutoff = (
        OfflineEvent.objects.filter(player_id=player_id).order_by("-id").values_list("id", flat=True)[cap : cap + 1]
    )
    cutoff_id = next(iter(cutoff), None)
    if cutoff_id is not None:
        OfflineEvent.objects.filter(player_id=player_id, id__lte=cutoff_id).delete()


def pending(*, player_id: int) -> tuple[list[dict[str, Any]], list[int]]:
    """The kept pushes, oldest first, each with its original `at`, and their ids.

    They stay queued until `delivered` confirms them, so a socket that drops mid-way loses none
    (a second socket signing in meanwhile may receive them too: at least once, never never).
    """
    horizon = timezone.now() - timedelta(days=settings.GAME_OFFLINE_QUEUE_DAYS)
    rows = list(
        OfflineEvent.objects.filter(player_id=player_id, at__gte=horizon)
        .order_by("id")
        .values_list("id", "at", "push")[: settings.GAME_OFFLINE_QUEUE_MAX]
    )
    return [{**push, "at": at.isoformat()} for _, at, push in rows], [row[0] for row in rows]


def delivered(*, player_id: int, ids: list[int]) -> None:
    """Drop the pushes a socket has sent."""
    OfflineEvent.objects.filter(player_id=player_id, id__in=ids).delete()


def purge_expired() -> int:
    horizon = timezone.now() - timedelta(days=settings.GAME_OFFLINE_QUEUE_DAYS)
    deleted, _ = OfflineEvent.objects.filter(at__lt=horizon).delete()
    return deleted

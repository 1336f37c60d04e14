"""The offline queue: pushes kept while a player is away (at most 1,000, at most 7 days)."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
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


def take(*, player_id: int) -> list[dict[str, Any]]:
    """The kept pushes, oldest first, each with its original `at`; they leave the queue."""
    horizon = timezone.now() - timedelta(days=settings.GAME_OFFLINE_QUEUE_DAYS)
    with transaction.atomic():
        rows = list(
            OfflineEvent.objects.filter(player_id=player_id, at__gte=horizon)
            .order_by("id")
            .values_list("id", "at", "push")[: settings.GAME_OFFLINE_QUEUE_MAX]
        )
        if rows:
            OfflineEvent.objects.filter(player_id=player_id, id__lte=rows[-1][0]).delete()
    return [{**push, "at": at.isoformat()} for _, at, push in rows]


def purge_expired() -> int:
    horizon = timezone.now() - timedelta(days=settings.GAME_OFFLINE_QUEUE_DAYS)
    deleted, _ = OfflineEvent.objects.filter(at__lt=horizon).delete()
    return deleted

"""The game's periodic jobs: each calls one service."""

from dataclasses import asdict

from celery import shared_task
from django.conf import settings

from core.jobs import periodic
from game.services import offline
from game.services.tick import run_tick


@shared_task
@periodic("game-tick", every_seconds=settings.GAME_TICK_SECONDS)
def game_tick() -> dict:
    return asdict(run_tick())


@shared_task
@periodic("purge-offline-events", every_seconds=3600)
def purge_offline_events() -> int:
    return offline.purge_expired()

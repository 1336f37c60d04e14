"""The game's periodic jobs (scheduled in core/jobs.py): each calls one service."""

from dataclasses import asdict

from celery import shared_task

from game.services import offline
from game.services.tick import run_tick


@shared_task
def game_tick() -> dict:
    return asdict(run_tick())


@shared_task
def purge_offline_events() -> int:
    return offline.purge_expired()

"""The game's periodic jobs (scheduled in core/jobs.py)."""

from celery import shared_task


@shared_task
def game_tick() -> dict:
    from dataclasses import asdict

    from game.services.tick import run_tick

    return asdict(run_tick())


@shared_task
def purge_offline_events() -> int:
    from game.services import offline

    return offline.purge_expired()

"""Tick cost on MariaDB: one tick with 1,000 players in play when 1,000 and when 100,000 characters exist.

    .venv/bin/python bench/tick.py [--active 1000] [--total 100000] [--ticks 5]

Uses DATABASE_URL (default mysql://root@127.0.0.1:3306/baolife_bench, created if missing, its
tables rebuilt). Phase 1 times ticks with only the active lives in the table (the baseline),
phase 2 adds the idle lives (paused: their players left more than 7 days ago) and times the
same ticks again. Target: phase 2 at most 1.2x phase 1. Each tick advances every active life
by the game time of one tick interval (1 game hour at the default pace) and saves it.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "mysql://root@127.0.0.1:3306/baolife_bench"


def ensure_database(url: str) -> None:
    import environ
    import MySQLdb

    cfg = environ.Env.db_url_config(url)
    conn = MySQLdb.connect(
        host=cfg["HOST"] or "127.0.0.1", port=int(cfg["PORT"] or 3306), user=cfg["USER"], passwd=cfg["PASSWORD"] or ""
    )
    conn.cursor().execute(f"DROP DATABASE IF EXISTS `{cfg['NAME']}`")
    conn.cursor().execute(f"CREATE DATABASE `{cfg['NAME']}` CHARACTER SET utf8mb4")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--active", type=int, default=1000)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--ticks", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baolife.settings.local")
    os.environ["RUN_JOBS_IN_PROCESS"] = "false"
    os.environ["DEBUG"] = "false"  # production-like: no query log
    if url.startswith("mysql"):
        ensure_database(url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from wsload import aged_lives, character_row

    from accounts.models import Player
    from core import presence
    from game.models import Character
    from game.services import content as content_service
    from game.services import tick

    call_command("migrate", verbosity=0)
    content_service.load_content()
    templates = aged_lives(50, 25)  # not held by an open question: every tick advances every life
    user_model = get_user_model()
    now = timezone.now()

    def create(n: int, *, active: bool, offset: int) -> list[int]:
        ids: list[int] = []
        for start in range(0, n, 500):
            size = min(500, n - start)
            users = user_model.objects.bulk_create(
                [user_model(username=f"bench-{offset + start + i}", password="!") for i in range(size)]
            )
            players = Player.objects.bulk_create([Player(user=u, is_guest=True) for u in users])
            chars = [
                character_row(p.pk, templates[(offset + start + i) % len(templates)], now, active=active, current=False)
                for i, p in enumerate(players)
            ]
            Character.objects.bulk_create(chars)
            ids.extend(p.pk for p in players)
        return ids

    moment = iter(range(1, 10_000))

    def time_ticks(count: int) -> list[float]:
        times = []
        for _ in range(count):
            started = time.perf_counter()
            report = tick.run_tick(now=now + timedelta(seconds=10 * next(moment)))
            times.append(time.perf_counter() - started)
            assert report.advanced == args.active, report
        return times

    active_ids = create(args.active, active=True, offset=0)
    for pid in active_ids:
        presence.socket_opened(pid)
    time_ticks(1)  # warm-up
    small = time_ticks(args.ticks)
    started = time.perf_counter()
    create(args.total - args.active, active=False, offset=args.active)
    print(f"added {args.total - args.active:,} idle lives in {time.perf_counter() - started:.1f} s")
    time_ticks(1)  # warm-up again: the bulk insert has just filled the buffer pool with idle rows
    big = time_ticks(args.ticks)
    s, b = statistics.median(small), statistics.median(big)
    print(
        f"tick, {args.active:,} in play, {args.active:,} characters : median {s * 1000:.0f} ms "
        f"(min {min(small) * 1000:.0f}, max {max(small) * 1000:.0f})"
    )
    print(
        f"tick, {args.active:,} in play, {args.total:,} characters: median {b * 1000:.0f} ms "
        f"(min {min(big) * 1000:.0f}, max {max(big) * 1000:.0f})"
    )
    print(f"ratio: {b / s:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()

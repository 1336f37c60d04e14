"""What retention's checks add to a `do_activity` round trip: the same players and lives, one server
with the checks off (`RETENTION_CHECKS=false`) and one with them on, measured in alternation in one run.

    .venv/bin/python bench/retention.py              (embedded default: SQLite)
    .venv/bin/python bench/retention.py --mysql      (MariaDB + Redis)

Players act at a person's pace, not as fast as the server answers: each of `--players` sockets sends
`do_activity` (read / exercise, alternately) every `--interval` seconds. The game runs 100x faster than
the default (`GAME_SECONDS_PER_REAL_SECOND=36000`) so an activity's game hour is over by the next one,
and energy is unlimited: every request is a real activity, saved, with retention's checks. Also
prints the queries one `do_activity` makes with the checks off and on (in-process, the same code).
Target (issue 10): checks on <= 1.3x checks off (p50 and p99 of the round trip).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from wsload import (
    aged_lives,
    django_setup,
    give_life,
    latency_summary,
    open_conn,
    pin,
    sign_in_players,
    split_cpus,
    start_game,
    stop,
    throwaway_database,
    warn_if_busy,
)

PACE = "36000"  # game seconds per real second: an activity's hour lasts 0.1 s


def prepare(players: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Player
    from game.services import content as content_service
    from retention.services import content as retention_content

    content_service.load_content()
    retention_content.load_content()
    lives = aged_lives(5, 20)
    now = timezone.now()
    signed = sign_in_players(players, "quester")
    for i, (player_id, _) in enumerate(signed):
        give_life(player_id, lives[i % len(lives)], last_seen=now)
    Player.objects.filter(pk__in=[p for p, _ in signed]).update(unlimited_energy_until=now + timedelta(days=1))
    counts = query_counts(signed[0][0])
    connection.close()
    return {"tokens": [t for _, t in signed], "queries": counts}


def query_counts(player_id: int) -> dict[str, int]:
    """Queries of one `do_activity` (handler, in-process) with the checks off, then on."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from game.models import Character
    from game.tests import play

    out = {}
    for on in (False, True):
        settings.RETENTION_CHECKS = on
        for _ in range(2):  # the second: the day's quests exist, as for every action but the first
            character = Character.objects.get(current_of_id=player_id)
            character.state = {**character.state, "busy_until": 0}
            character.save(update_fields=["state"])
            with CaptureQueriesContext(connection) as ctx:
                play.do_activity(player_id=player_id, activity="read")
        out["on" if on else "off"] = len(ctx.captured_queries)
    settings.RETENTION_CHECKS = True
    return out


async def measure(port: int, tokens: list[str], *, interval: float, duration: float) -> dict:
    loop = asyncio.get_running_loop()
    conns = [await open_conn(loop, "127.0.0.1", port, "/ws/play/", t, i, False) for i, t in enumerate(tokens)]
    times: list[float] = []
    refused: dict[str, int] = {}
    stop_at = time.perf_counter() + duration

    async def player(i: int, conn) -> None:
        await asyncio.sleep(interval * i / len(conns))  # staggered
        n = 0
        while time.perf_counter() < stop_at:
            activity = ("read", "exercise")[n % 2]
            frame = json.dumps({"type": "do_activity", "id": f"a{i}-{n}", "activity": activity})
            sent, got, reply = await conn.timed_call(loop, frame)
            data = json.loads(reply)
            if data.get("ok"):
                times.append(got - sent)
            else:
                code = data.get("error", {}).get("code", "?")
                refused[code] = refused.get(code, 0) + 1
            n += 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - sent)))

    await asyncio.gather(*(player(i, c) for i, c in enumerate(conns)))
    for conn in conns:
        conn.transport.close()
    return {**latency_summary(times), "refused": refused}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between one player's activities")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=2, help="off/on pairs")
    parser.add_argument("--mysql", action="store_true")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    server_cpus, load_cpus, note = split_cpus(not args.no_pin)
    warn_if_busy()
    os.environ["GAME_SECONDS_PER_REAL_SECOND"] = PACE
    tmp = Path(tempfile.mkdtemp(prefix="baolife-retention-"))
    results: dict[str, list[dict]] = {"off": [], "on": []}
    try:
        with throwaway_database(args.mysql, tmp) as env:
            env["GAME_SECONDS_PER_REAL_SECOND"] = PACE
            django_setup(env)
            pin(0, load_cpus)
            prep = prepare(args.players)
            print(f"{args.players} players, lives of 20 game years, unlimited energy; {note}", flush=True)
            for round_no in range(args.rounds):
                for mode in ("off", "on"):
                    server_env = {**env, "RETENTION_CHECKS": "true" if mode == "on" else "false"}
                    game, port = start_game("uvicorn", server_env, server_cpus)
                    try:
                        out = asyncio.run(measure(port, prep["tokens"], interval=args.interval, duration=args.duration))
                    finally:
                        stop(game)
                    results[mode].append(out)
                    print(
                        f"round {round_no + 1} checks {mode:3s}: n {out['n']:6d}  p50 {out['p50_ms']:.2f} ms"
                        f"  p99 {out['p99_ms']:.2f} ms  refused {out['refused']}",
                        flush=True,
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    for q in ("p50_ms", "p99_ms"):
        off = statistics.median(r[q] for r in results["off"])
        on = statistics.median(r[q] for r in results["on"])
        verdict = "met" if on <= 1.3 * off else "MISSED"
        ratio = on / off
        print(
            f"do_activity {q[:3]}: checks off {off:.2f} ms, on {on:.2f} ms = {ratio:.2f}x (target <= 1.3x) -> {verdict}"
        )
    print(f"queries per do_activity: checks off {prep['queries']['off']}, on {prep['queries']['on']}")


if __name__ == "__main__":
    sys.exit(main())

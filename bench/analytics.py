"""What recording analytics adds to a `do_activity` round trip: the same players and lives, one server
with recording off (`ANALYTICS_ENABLED=false`) and one with it on (the default flush settings:
ANALYTICS_FLUSH_SECONDS 2 s, ANALYTICS_FLUSH_EVENTS 100), measured in alternation in one run.

    .venv/bin/python bench/analytics.py              (embedded default: SQLite; 4 rounds, about 2.5 minutes)
    .venv/bin/python bench/analytics.py --mysql      (MariaDB + Redis; 5 rounds, about 3 minutes)

Players act at a person's pace, not as fast as the server answers: each of `--players` (10) sockets
sends `do_activity` every `--interval` (0.25) s, its `--activities` in turn (read, exercise, socialize:
read and exercise record nothing; socializing meets people, `relationship_change` events, so events flow
through the buffer while the round trips are measured). 40 activities a second is well under what one
server process serves (40 sockets saturate it: a `do_activity` costs about 7 ms of CPU, p50 then
50-200 ms off and on alike, nothing to compare). Round trips sent in a phase's first `--warmup` (1) s
are not counted; the order alternates off/on, on/off (the lives grow as they play). The game runs 100x
faster than the default (`GAME_SECONDS_PER_REAL_SECOND=36000`) so an activity's game hours are over by
the next one, and energy is unlimited: every request is a real, saved activity, whose life outcomes go
through the `game.analytics` hook. Each socket's `auth` records `sign_in` and writes a session row.

After each server stopped (gracefully: its buffer is flushed) the bench counts what it wrote to
`analytics_events` (by name) and `analytics_sessions`: the "on" servers' events prove recording
happened, the "off" servers' must be none. Also prints the queries one `do_activity` makes in-process
with recording off and on (the same code; the buffer's writes are on its own thread, not the player's).
Target (issue 12): analytics on <= 1.1x off (p50 and p99 of the round trip).
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
from collections import Counter
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
TARGET = 1.1


def prepare(players: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Player
    from analytics.services import buffer
    from game.services import content as content_service
    from retention.services import content as retention_content

    content_service.load_content()
    retention_content.load_content()
    lives = aged_lives(5, 20)
    now = timezone.now()
    signed = sign_in_players(players, "recorder")
    for i, (player_id, _) in enumerate(signed):
        give_life(player_id, lives[i % len(lives)], last_seen=now)
    Player.objects.filter(pk__in=[p for p, _ in signed]).update(unlimited_energy_until=now + timedelta(days=1))
    counts = query_counts(signed[0][0])
    buffer.flush()  # this process's own events (sign-ups, the calls above) are written before the servers run
    connection.close()
    return {"tokens": [t for _, t in signed], "queries": counts}


def query_counts(player_id: int) -> dict[str, int]:
    """Queries of one `do_activity` (handler, in-process) with recording off, then on."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from game.models import Character
    from game.tests import play

    out = {}
    for on in (False, True):
        settings.ANALYTICS_ENABLED = on
        for _ in range(2):  # the second: the day's quests exist, as for every action but the first
            character = Character.objects.get(current_of_id=player_id)
            character.state = {**character.state, "busy_until": 0}
            character.save(update_fields=["state"])
            with CaptureQueriesContext(connection) as ctx:
                play.do_activity(player_id=player_id, activity="read")
        out["on" if on else "off"] = len(ctx.captured_queries)
    settings.ANALYTICS_ENABLED = True
    return out


def written() -> dict:
    """What is in the analytics tables now: events (total and by name) and session rows."""
    from django.db import connection
    from django.db.models import Count

    from analytics.models import Event, Session

    by_name = Counter({row["name"]: row["n"] for row in Event.objects.values("name").annotate(n=Count("id"))})
    sessions = Session.objects.count()
    connection.close()  # nothing held open against the server's database while it runs
    return {"events": sum(by_name.values()), "by_name": by_name, "sessions": sessions}


async def measure(
    port: int, tokens: list[str], *, activities: list[str], interval: float, duration: float, warmup: float
) -> dict:
    loop = asyncio.get_running_loop()
    conns = [await open_conn(loop, "127.0.0.1", port, "/ws/play/", t, i, False) for i, t in enumerate(tokens)]
    times: list[float] = []
    refused: dict[str, int] = {}
    count_from = time.perf_counter() + warmup
    stop_at = count_from + duration

    async def player(i: int, conn) -> None:
        await asyncio.sleep(interval * i / len(conns))  # staggered
        n = 0
        while time.perf_counter() < stop_at:
            activity = activities[n % len(activities)]
            frame = json.dumps({"type": "do_activity", "id": f"a{i}-{n}", "activity": activity})
            sent, got, reply = await conn.timed_call(loop, frame)
            data = json.loads(reply)
            if data.get("ok"):
                if sent >= count_from:
                    times.append(got - sent)
            else:
                code = data.get("error", {}).get("code", "?")
                refused[code] = refused.get(code, 0) + 1
            n += 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - sent)))
        return n

    sent_total = sum(await asyncio.gather(*(player(i, c) for i, c in enumerate(conns))))
    for conn in conns:
        conn.transport.close()
    return {**latency_summary(times), "refused": refused, "activities": sent_total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=10, help="sockets, one player each")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between one player's activities")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per phase")
    parser.add_argument(
        "--activities", default="read,exercise,socialize", help="each socket's activities in turn (comma-separated)"
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds not counted at a phase's start")
    parser.add_argument("--rounds", type=int, default=None, help="off/on pairs; default 4 (SQLite) / 5 (MariaDB)")
    parser.add_argument("--mysql", action="store_true")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    players = args.players
    rounds = args.rounds or (5 if args.mysql else 4)
    server_cpus, load_cpus, note = split_cpus(not args.no_pin)
    warn_if_busy()
    os.environ["GAME_SECONDS_PER_REAL_SECOND"] = PACE
    tmp = Path(tempfile.mkdtemp(prefix="baolife-analytics-"))
    results: dict[str, list[dict]] = {"off": [], "on": []}
    wrote: dict[str, dict] = {mode: {"events": 0, "by_name": Counter(), "sessions": 0} for mode in ("off", "on")}
    try:
        with throwaway_database(args.mysql, tmp) as env:
            env["GAME_SECONDS_PER_REAL_SECOND"] = PACE
            env.pop("ANALYTICS_FLUSH_SECONDS", None)  # the defaults, whatever this shell says
            env.pop("ANALYTICS_FLUSH_EVENTS", None)
            django_setup(env)
            pin(0, load_cpus)
            prep = prepare(players)
            print(f"{players} players, lives of 20 game years, unlimited energy; {note}", flush=True)
            for round_no in range(rounds):
                for mode in ("off", "on") if round_no % 2 == 0 else ("on", "off"):  # lives grow: ABBA order
                    server_env = {**env, "ANALYTICS_ENABLED": "true" if mode == "on" else "false"}
                    before = written()
                    game, port = start_game("uvicorn", server_env, server_cpus)
                    try:
                        out = asyncio.run(
                            measure(
                                port,
                                prep["tokens"],
                                activities=args.activities.split(","),
                                interval=args.interval,
                                duration=args.duration,
                                warmup=args.warmup,
                            )
                        )
                    finally:
                        stop(game)  # graceful: the server's lifespan shutdown writes what its buffer holds
                    after = written()
                    events = after["events"] - before["events"]
                    sessions = after["sessions"] - before["sessions"]
                    wrote[mode]["events"] += events
                    wrote[mode]["by_name"] += after["by_name"] - before["by_name"]
                    wrote[mode]["sessions"] += sessions
                    out["events"] = events
                    results[mode].append(out)
                    print(
                        f"round {round_no + 1} analytics {mode:3s}: n {out['n']:6d}  p50 {out['p50_ms']:.2f} ms"
                        f"  p99 {out['p99_ms']:.2f} ms  refused {out['refused']}"
                        f"  events written {events}  sessions {sessions}",
                        flush=True,
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    for q in ("p50_ms", "p99_ms"):
        off = statistics.median(r[q] for r in results["off"])
        on = statistics.median(r[q] for r in results["on"])
        ratio = on / off
        verdict = "met" if ratio <= TARGET else "MISSED"
        # each round's on/off pair ran back to back: their ratios drift less with other work on the box
        paired = statistics.median(a[q] / b[q] for a, b in zip(results["on"], results["off"], strict=True))
        print(
            f"do_activity {q[:3]}: analytics off {off:.2f} ms, on {on:.2f} ms = {ratio:.2f}x"
            f" (target <= {TARGET}x) -> {verdict}; median of the rounds' ratios {paired:.2f}x"
        )
    sent = {mode: sum(r["activities"] for r in results[mode]) for mode in ("off", "on")}
    by_name = ", ".join(f"{name} {n}" for name, n in wrote["on"]["by_name"].most_common())
    print(
        f"analytics_events written by the 'on' servers: {wrote['on']['events']}"
        f" ({sent['on']} activities sent; {by_name or 'none'});"
        f" session rows {wrote['on']['sessions']}"
    )
    print(
        f"analytics_events written by the 'off' servers: {wrote['off']['events']}"
        f" ({sent['off']} activities sent); session rows {wrote['off']['sessions']}"
    )
    print(f"queries per do_activity (in-process): analytics off {prep['queries']['off']}, on {prep['queries']['on']}")


if __name__ == "__main__":
    sys.exit(main())

"""`get_matches` (a pool of 120 strangers plus the life's people, ranked by compatibility) against
`get_state` on the same sockets and lives, alternated request by request in one run.

    .venv/bin/python bench/dating.py              (embedded default: SQLite)
    .venv/bin/python bench/dating.py --mysql      (MariaDB + Redis)

Each of `--players` sockets (lives of 25 game years) sends `get_state` and `get_matches` (limit 10)
alternately every `--interval` seconds. A player's first `get_matches` of a year of age scores the
whole pool (reported apart as "cold"); later ones reuse it. Target (issue 11): `get_matches` within
the budget of `get_state` (p50 and p99 <= 1.0x, a little noise allowed: printed as the ratio).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
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


def prepare(players: int) -> list[str]:
    from django.db import connection
    from django.utils import timezone

    from game.services import content as content_service

    content_service.load_content()
    lives = aged_lives(5, 25)
    now = timezone.now()
    signed = sign_in_players(players, "dater")
    for i, (player_id, _) in enumerate(signed):
        give_life(player_id, lives[i % len(lives)], last_seen=now)
    connection.close()
    return [t for _, t in signed]


async def measure(port: int, tokens: list[str], *, interval: float, duration: float) -> dict:
    loop = asyncio.get_running_loop()
    conns = [await open_conn(loop, "127.0.0.1", port, "/ws/play/", t, i, False) for i, t in enumerate(tokens)]
    times: dict[str, list[float]] = {"get_state": [], "get_matches": [], "cold": []}
    errors: dict[str, int] = {}
    stop_at = time.perf_counter() + duration

    async def player(i: int, conn) -> None:
        await asyncio.sleep(interval * i / len(conns))
        n = 0
        while time.perf_counter() < stop_at:
            verb = ("get_state", "get_matches")[n % 2]
            frame = json.dumps({"type": verb, "id": f"{i}-{n}", **({"limit": 10} if verb == "get_matches" else {})})
            sent, got, reply = await conn.timed_call(loop, frame)
            data = json.loads(reply)
            if data.get("ok"):
                times["cold" if verb == "get_matches" and n == 1 else verb].append(got - sent)
            else:
                code = data.get("error", {}).get("code", "?")
                errors[code] = errors.get(code, 0) + 1
            n += 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - sent)))

    await asyncio.gather(*(player(i, c) for i, c in enumerate(conns)))
    for conn in conns:
        conn.transport.close()
    return {k: latency_summary(v) for k, v in times.items()} | {"errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--mysql", action="store_true")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    server_cpus, load_cpus, note = split_cpus(not args.no_pin)
    warn_if_busy()
    tmp = Path(tempfile.mkdtemp(prefix="baolife-dating-"))
    try:
        with throwaway_database(args.mysql, tmp) as env:
            django_setup(env)
            pin(0, load_cpus)
            tokens = prepare(args.players)
            print(f"{args.players} players, lives of 25 game years, a pool of 120 each; {note}", flush=True)
            game, port = start_game("uvicorn", env, server_cpus)
            try:
                out = asyncio.run(measure(port, tokens, interval=args.interval, duration=args.duration))
            finally:
                stop(game)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for verb in ("get_state", "get_matches", "cold"):
        r = out[verb]
        print(f"{verb:12s} n {r['n']:5d}  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms")
    for q in ("p50_ms", "p99_ms"):
        ratio = out["get_matches"][q] / out["get_state"][q]
        verdict = "met" if ratio <= 1.1 else "MISSED"
        print(f"get_matches / get_state {q[:3]}: {ratio:.2f}x (target <= 1.0x, 10 % noise) -> {verdict}")
    print(f"errors: {out['errors']}")


if __name__ == "__main__":
    sys.exit(main())

"""Pushes at scale: the game tick pushing to 5,000 connected players, tick to client, and slow clients.

    .venv/bin/python bench/pushes.py                          (5,000 players, the pub/sub layer: the default)
    .venv/bin/python bench/pushes.py --layers pubsub,core      (both channels-redis layers, same players)
    .venv/bin/python bench/pushes.py --players 1000 --ticks 2  (a quicker look)

What it does (docs/performance.md, "Pushes at scale"):

1. The production wiring (bench/wsload.py `production_env`): its own Redis on a spare port, a throwaway MariaDB
   database when MariaDB runs here (else SQLite). `--players` guest accounts with real tokens, each given a
   life aged 25 years (the states a tick really carries), and `--slow` more for the slow clients.
2. For each channel layer of `--layers`: `--workers` uvicorn processes behind one port (the `make run` flags,
   no in-process jobs: the tick is the worker's), `--loaders` processes open and sign in every player's
   socket and record when each push frame arrives (wall clock: every process is on this machine).
3. A ticker process (what a Celery worker runs at the beat) runs `--ticks` game ticks, one every
   GAME_TICK_SECONDS, each with the real `run_tick()`; it notes when each tick started and when each player's
   pushes were handed to the channel layer (after the chunk's commit), and how many.
4. Meanwhile the `--slow` sockets stop reading after signing in, and the ticker floods each of their players
   with `--flood` pushes of 2 KB: the server must drop them (bounded per-socket outbox) without its memory
   following the flood.
5. Reports, per layer: **tick to client** p50 / p99 / max over every (player, tick) (target: p99 <= half the
   tick interval), hand-off to client (the channel layer's own share), the tick's duration, **pushes lost**
   (sent and never received by a connected, reading socket: target 0), the slow sockets dropped, the server's
   RSS before and after the flood.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sockets import KB, expect, open_many, server_rss
from wsload import (
    PYTHON,
    SERVERS,
    django_setup,
    free_port,
    latency_summary,
    percentile,
    production_env,
    profiled,
    sign_in_players,
    stop,
    wait_http,
    warn_if_busy,
)

FLOOD_TEXT = "x" * 2000  # one flood push: ~2 KB on the wire


# --------------------------------------------------------------------------------------------
# Preparation (in the orchestrator, before any server runs)
# --------------------------------------------------------------------------------------------
def prepare_players(count: int, prefix: str) -> list[tuple[int, str]]:
    """`count` guest accounts with tokens, each with a life aged 25 years whose clock runs from now."""
    from django.utils import timezone
    from wsload import aged_lives, character_row

    from game.models import Character

    players = sign_in_players(count, prefix)
    lives = aged_lives(40, 25)
    now = timezone.now()
    rows = [character_row(pid, lives[i % len(lives)], now) for i, (pid, _) in enumerate(players)]
    Character.objects.bulk_create(rows, batch_size=200)
    return players


# --------------------------------------------------------------------------------------------
# Load processes
# --------------------------------------------------------------------------------------------
def role_loader(args: argparse.Namespace) -> None:
    """Open and sign in its sockets; record every push frame's arrival (wall clock) and size in messages;
    the slow ones stop reading once signed in. Say READY; on STOP report."""
    import uvloop

    players = json.loads(Path(args.tokens).read_text())[args.first : args.first + args.count]

    async def main() -> dict:
        conns = await open_many(args.port, [token for _, token in players], args.first)
        arrivals: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for conn, (player_id, _) in zip(conns, players, strict=True):

            def got(payload: bytes, seen: list = arrivals[player_id]) -> None:
                seen.append((time.time(), len(json.loads(payload)["messages"])))

            conn.on_push = got
            if args.stalled:
                conn.transport.pause_reading()  # a client that stops reading: the server must not wait for it
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        dropped = sum(1 for c in conns if c.transport is None or c.transport.is_closing() or c.close_code)
        if args.stalled:  # read what the kernel holds, then see whether the server had dropped the connection
            for conn in conns:
                if conn.transport is not None and not conn.transport.is_closing():
                    conn.transport.resume_reading()
            await asyncio.sleep(2.0)
            dropped = sum(1 for c in conns if c.transport is None or c.transport.is_closing())
        return {"arrivals": arrivals, "dropped": dropped, "count": len(conns), "stalled": bool(args.stalled)}

    print(json.dumps(uvloop.run(main())), flush=True)


# --------------------------------------------------------------------------------------------
# The ticker (a Celery worker's part)
# --------------------------------------------------------------------------------------------
def role_ticker(args: argparse.Namespace) -> None:
    """Run the ticks at the real interval; note each tick's start and end, and when each player's pushes went
    to the channel layer and how many; flood the slow players. Report as JSON."""
    from django.conf import settings

    from core import pushes
    from game.services import content as content_service
    from game.services import tick

    slow = json.loads(args.slow_ids)
    sent: dict[int, list[tuple[float, int]]] = defaultdict(list)  # player -> [(handed over at, pushes)]
    handing = [0.0]  # seconds spent handing pushes to the channel layer
    original = pushes._send_all

    async def timed(messages: list) -> None:
        at = time.time()
        await original(messages)
        handing[0] += time.time() - at
        counts: dict[int, int] = defaultdict(int)
        for group, message in messages:
            if message.get("type") == "push" and group.startswith("player."):
                counts[int(group.split(".", 1)[1])] += 1
        for player_id, n in counts.items():
            sent[player_id].append((at, n))

    pushes._send_all = timed
    content_service.current()  # a worker that has ticked before holds the content already
    interval = settings.GAME_TICK_SECONDS
    ticks = []
    flood = [(pid, {"type": "flood", "text": FLOOD_TEXT, "n": n}) for n in range(args.flood) for pid in slow]
    start = time.time()
    for k in range(args.ticks):
        time.sleep(max(0.0, start + k * interval - time.time()))
        t0 = time.time()
        handing[0] = 0.0
        report = tick.run_tick()
        t1 = time.time()
        ticks.append({"start": t0, "end": t1, "advanced": report.advanced, "handing": handing[0]})
        if k == 0 and flood:  # the slow players' flood goes out after the first tick (not counted as tick pushes)
            flood_at = time.time()
            for i in range(0, len(flood), 500):
                pushes.push_many(flood[i : i + 500])
            ticks[-1]["flood_seconds"] = time.time() - flood_at
    print(json.dumps({"ticks": ticks, "sent": sent, "slow": slow}), flush=True)


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------
def spawn(role: str, args: argparse.Namespace, env: dict, **extra: object) -> subprocess.Popen:
    cmd = [PYTHON, __file__, "--role", role, "--ticks", str(args.ticks), "--flood", str(args.flood)]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)


def last_json(proc: subprocess.Popen, timeout: float) -> dict:
    out = proc.communicate(timeout=timeout)[0]
    return json.loads(out.strip().splitlines()[-1])


def measure_layer(args: argparse.Namespace, env: dict, layer: str, tokens: Path, slow_ids: list[int]) -> dict:
    """One layer: the server, the sockets, the ticks; what arrived against what was sent."""
    env = {**env, "CHANNEL_LAYER": layer, "RUN_JOBS_IN_PROCESS": "false", "WS_MAX_SOCKETS_PER_PLAYER": "100"}
    env["GAME_TICK_THREADS"] = str(args.tick_threads)
    port = free_port()
    cmd = [part.replace("{port}", str(port)) for part in SERVERS["uvicorn"]] + ["--workers", str(args.workers)]
    procs: list[subprocess.Popen] = []
    server = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[1], env=env)
    procs.append(server)
    try:
        wait_http(f"http://127.0.0.1:{port}/health/live", server)
        time.sleep(2.0)
        print(f"[{layer}] opening {args.players} sockets (+{args.slow} slow) from {args.loaders} processes ...")
        started = time.perf_counter()
        loaders = []
        per = [
            args.players // args.loaders + (1 if i < args.players % args.loaders else 0) for i in range(args.loaders)
        ]
        first = 0
        for count in per:
            loaders.append(spawn("loader", args, env, port=port, tokens=tokens, first=first, count=count))
            first += count
        if args.slow:
            loaders.append(
                spawn("loader", args, env, port=port, tokens=tokens, first=first, count=args.slow, stalled=1)
            )
        procs += loaders
        for proc in loaders:
            expect(proc, "READY")
        print(f"[{layer}]   signed in within {time.perf_counter() - started:.0f} s", flush=True)
        time.sleep(5.0)  # the sign-ins' own pushes and writes settle
        rss_before = server_rss(server.pid)
        ticker = spawn("ticker", args, env, slow_ids=json.dumps(slow_ids))
        procs.append(ticker)
        with profiled(ticker.pid, Path(f"{args.profile}.{layer}") if args.profile else None):
            ticked = last_json(ticker, timeout=args.ticks * 60 + 300)
        time.sleep(3.0)  # the last pushes arrive
        rss_after = server_rss(server.pid)
        results = []
        for proc in loaders:
            proc.stdin.write("STOP\n")
            proc.stdin.flush()
            results.append(last_json(proc, timeout=60))
        return {"ticked": ticked, "loaded": results, "rss": (rss_before, rss_after), "layer": layer}
    finally:
        for proc in reversed(procs):
            stop(proc)


def analyse(measured: dict, interval: float, players: int) -> tuple[dict, bool]:
    ticks = measured["ticked"]["ticks"]
    sent = {int(k): v for k, v in measured["ticked"]["sent"].items()}
    slow = set(measured["ticked"]["slow"])
    arrivals: dict[int, list] = {}
    for result in measured["loaded"]:
        arrivals.update({int(k): v for k, v in result["arrivals"].items()})
    first_start = ticks[0]["start"]
    tick_latency, handoff_latency = [], []
    lost = 0
    for player_id, handed in sent.items():
        if player_id in slow:
            continue
        got = sorted(a for a in arrivals.get(player_id, []) if a[0] >= first_start)
        received = sum(n for _, n in got)
        expected = sum(n for _, n in handed)
        lost += max(0, expected - received)
        for at, _ in handed:
            tick_start = max((t["start"] for t in ticks if t["start"] <= at), default=first_start)
            arrival = next((a for a, _ in got if a >= at - 0.005), None)
            if arrival is None:
                continue
            tick_latency.append(arrival - tick_start)
            handoff_latency.append(max(0.0, arrival - at))
    durations = sorted(t["end"] - t["start"] for t in ticks)
    summary = {
        "layer": measured["layer"],
        "tick": latency_summary(tick_latency),
        "handoff": latency_summary(handoff_latency),
        "tick_seconds_median": percentile(durations, 0.5),
        "tick_seconds_max": durations[-1],
        "handing_seconds": [round(t["handing"], 2) for t in ticks],
        "advanced": [t["advanced"] for t in ticks],
        "pushed_players": len([p for p in sent if p not in slow]),
        "lost": lost,
        "slow_dropped": sum(r["dropped"] for r in measured["loaded"] if r["stalled"]),
        "healthy_dropped": sum(r["dropped"] for r in measured["loaded"] if not r["stalled"]),
        "rss_mb": [round(x / KB / KB) for x in measured["rss"]],
        "flood_seconds": ticks[0].get("flood_seconds"),
    }
    ok = (
        summary["tick"]["p99_ms"] <= interval * 1000 / 2
        and lost == 0
        and summary["pushed_players"] >= players
        and summary["healthy_dropped"] == 0
        and summary["slow_dropped"] == len(slow)
    )
    return summary, ok


def orchestrate(args: argparse.Namespace) -> int:
    warn_if_busy()
    tmp = Path(tempfile.mkdtemp(prefix="baolife-pushes-"))
    summaries = []
    try:
        with production_env(tmp, "pushes") as (env, said):
            django_setup(env)
            from django.conf import settings

            interval = settings.GAME_TICK_SECONDS
            print(f"{said}; making {args.players + args.slow} players with aged lives ...", flush=True)
            started = time.perf_counter()
            players = prepare_players(args.players + args.slow, "push")
            print(f"  made in {time.perf_counter() - started:.0f} s", flush=True)
            tokens = tmp / "tokens.json"
            tokens.write_text(json.dumps(players))
            slow_ids = [player_id for player_id, _ in players[args.players :]]
            for layer in args.layers.split(","):
                measured = measure_layer(args, env, layer, tokens, slow_ids)
                summaries.append(analyse(measured, interval, args.players))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(
        f"{args.players} players connected, {args.ticks} ticks every {interval:g} s on {args.tick_threads} thread(s), "
        f"{args.workers} server processes"
    )
    for s, ok in summaries:
        t, h = s["tick"], s["handoff"]
        print(f"  layer {s['layer']}:")
        print(
            f"    tick to client: p50 {t['p50_ms']:.0f} ms, p99 {t['p99_ms']:.0f} ms, max {t['max_ms']:.0f} ms over "
            f"{t['n']} pushes (target p99 <= {interval * 500:.0f} ms: half a tick)"
        )
        print(
            f"    hand-off to client (the layer's share): p50 {h['p50_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms, "
            f"max {h['max_ms']:.1f} ms"
        )
        print(
            f"    tick duration: median {s['tick_seconds_median']:.2f} s, max {s['tick_seconds_max']:.2f} s; "
            f"lives advanced per tick {s['advanced']}; of which handing pushes to the layer {s['handing_seconds']} s"
        )
        print(f"    players pushed to: {s['pushed_players']}; pushes lost: {s['lost']} (target 0)")
        if args.slow:
            print(
                f"    slow sockets dropped by the server: {s['slow_dropped']} of {args.slow} "
                f"(flood of {args.flood} x 2 KB each, sent in {s['flood_seconds']:.1f} s); healthy sockets "
                f"dropped: {s['healthy_dropped']}; server RSS {s['rss_mb'][0]} -> {s['rss_mb'][1]} MB"
            )
        print(f"    {'meets' if ok else 'misses'} the target")
    return 0 if all(ok for _, ok in summaries) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=5000)
    parser.add_argument("--layers", default="pubsub", help="pubsub,core: channels-redis' layers, in turn")
    parser.add_argument("--ticks", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="server processes behind the one port")
    parser.add_argument("--loaders", type=int, default=4, help="processes holding the players' sockets")
    parser.add_argument("--slow", type=int, default=10, help="extra sockets that stop reading")
    parser.add_argument(
        "--flood",
        type=int,
        default=3000,
        help="2 KB pushes sent to each slow socket's player (more than the kernel's buffers hold: ~6 MB on loopback)",
    )
    parser.add_argument("--tick-threads", type=int, default=2, help="GAME_TICK_THREADS of the ticker")
    parser.add_argument("--profile", help="py-spy the ticker into PROFILE.<layer> (collapsed stacks)")
    parser.add_argument("--role", choices=["orchestrate", "loader", "ticker"], default="orchestrate")
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--slow-ids", default="[]", help=argparse.SUPPRESS)
    parser.add_argument("--stalled", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "loader":
        role_loader(args)
    elif args.role == "ticker":
        django_setup({})
        role_ticker(args)
    else:
        sys.exit(orchestrate(args))


if __name__ == "__main__":
    main()

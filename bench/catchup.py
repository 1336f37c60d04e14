"""Catch-up after 7 days offline: the `auth` reply for returning players against `ping`'s p99, in one run.

    .venv/bin/python bench/catchup.py             (embedded default: SQLite, in-memory layer)
    .venv/bin/python bench/catchup.py --mysql     (a throwaway MariaDB database + Redis)

What it does (docs/performance.md, "Catch-up after 7 days offline"):

1. Makes a throwaway database (SQLite in a temp dir; `--mysql`: MariaDB + Redis) and migrates it.
2. Prepares, in this process through the game's own services, players whose last sign-in was
   7 days and `--paused-minutes` ago: `start_life` at that moment, then the life set to an
   engine-made one (`--age-years` old at that moment; `--templates` distinct lives), anchored there,
   `active_until` = last seen + 7 days (so the life paused a few minutes ago). Two kinds:
   - realistic: the tick kept the life current until the pause, so the state is the engine's
     advance over the 7 days (7 game years at the default pace) and `auth` has nothing to simulate;
   - worst case: the tick never ran, so `auth` simulates the 7 game years itself.
   Each of them gets a full offline queue: `--queue` (1,000, the cap) OfflineEvent rows, the pushes
   the engine's events of those 7 years make (`notify.event_pushes`: messageEvent, questionEvent,
   personObject), spread over the 7 days.
3. Starts the game server with the `make run` flags (pinned to CPU 0, this process on the others).
4. Baseline: `--connections` sockets sign in and run a closed loop of `ping` (as bench/ws_rtt.py)
   for `--warmup` + `--duration` s: p50/p99.
5. Returning players, each on a fresh socket (handshake not timed): the time from sending `auth` to
   its reply, and to the last queued push (pushes counted by their `at`), one player at a time and
   then `--concurrency` at a time; realistic players, then worst-case ones.
6. Prints p50/p99/max of each and the ratio auth p99 / ping p99 (target <= 20x, realistic case).
   Exit status 1 if a reply was wrong, a socket failed or a queued push went missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from wsload import (
    aged_lives,
    closed_loop,
    connect,
    cpu_seconds,
    give_life,
    latency_summary,
    open_conn,
    prepared_game,
    profiled,
    sign_in_players,
)

KINDS = ("realistic", "worst")


# --------------------------------------------------------------------------------------------
# Preparation (in this process, before the server starts)
# --------------------------------------------------------------------------------------------
def prepare(args: argparse.Namespace) -> dict:
    """Rows for the run: the ping players' tokens and, per group, (token, game clock expected after auth)."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Player
    from game import engine
    from game.models import Character, OfflineEvent
    from game.services import clock, notify
    from game.services import content as content_service

    content_service.load_content()
    content = content_service.current()
    now = timezone.now()
    away = clock.offline_span()
    last_seen = now - away - timedelta(minutes=args.paused_minutes)
    span = int(away.total_seconds() * clock.pace())  # the game time a life runs while its player is away
    started = time.perf_counter()
    templates = []  # (state at last sight, state at the pause, the engine's events in between)
    for before in aged_lives(args.templates * 3, args.age_years):
        state = engine.LifeState.from_dict(before)
        after, events = engine.advance(state, state.clock, state.clock + span, [], content)
        if not after.dead:
            templates.append((before, after.to_dict(), [ev.to_dict() for ev in events]))
        if len(templates) == args.templates:
            break
    n_events = sorted(len(t[2]) for t in templates)
    print(
        f"{len(templates)} lives from the engine, aged {args.age_years} game years, then {span / engine.YEAR:g} game "
        f"years ({away.days} real days at {clock.pace():g}x): {n_events[0]}..{n_events[-1]} events each "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    sizes = {"realistic": args.players, "worst": args.worst_players}
    groups: dict[str, list[tuple[str, int]]] = {}
    types: Counter = Counter()
    started = time.perf_counter()
    step = (away - timedelta(hours=2)) / max(1, args.queue)
    for kind in KINDS:
        for mode in ("seq", "conc"):
            name = f"{kind}-{mode}"
            members = []
            for i, (player_id, token) in enumerate(sign_in_players(sizes[kind], f"away-{name}")):
                before, after, events = templates[i % len(templates)]
                with transaction.atomic():
                    give_life(
                        player_id,
                        after if kind == "realistic" else before,
                        last_seen=last_seen,
                        anchor_game=before["clock"],
                    )
                    Player.objects.filter(pk=player_id).update(last_seen_at=last_seen)
                    character = Character.objects.get(player_id=player_id)
                    pushes = notify.event_pushes(character, events) or [{"type": "messageEvent", "kind": "x"}]
                    OfflineEvent.objects.bulk_create(
                        [
                            OfflineEvent(
                                player_id=player_id,
                                at=last_seen + timedelta(hours=1) + step * j,
                                push=pushes[j % len(pushes)],
                            )
                            for j in range(args.queue)
                        ],
                        batch_size=500,
                    )
                members.append((token, after["clock"]))
                if not types:
                    types.update(pushes[j % len(pushes)]["type"] for j in range(args.queue))
            groups[name] = members
    queued = OfflineEvent.objects.count()
    sample = OfflineEvent.objects.order_by("id").values_list("push", flat=True)[: args.queue]
    size = sum(len(json.dumps(p)) for p in sample) / max(1, len(sample))
    print(
        f"{sum(map(len, groups.values()))} returning players, last seen {last_seen:%Y-%m-%d %H:%M} UTC "
        f"(paused {args.paused_minutes:g} min ago), {queued:,} queued pushes, {args.queue} each "
        f"(cap {settings.GAME_OFFLINE_QUEUE_MAX}); push types {dict(types.most_common())}, "
        f"{size:.0f} bytes of JSON each on average ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    ping_tokens = [token for _, token in sign_in_players(args.connections, "ping")]
    connection.close()
    return {"groups": groups, "ping_tokens": ping_tokens, "queue": args.queue}


# --------------------------------------------------------------------------------------------
# Measurement (this process, uvloop)
# --------------------------------------------------------------------------------------------
async def returning(
    loop: asyncio.AbstractEventLoop, args: argparse.Namespace, port: int, token: str, clock_after: int
) -> dict:
    """One returning player on a fresh socket: `auth` -> reply -> the queued pushes."""
    conn = await connect(loop, "127.0.0.1", port)
    done = loop.create_future()
    seen = {"count": 0, "last": 0.0}

    def on_push(payload: bytes) -> None:
        n = sum("at" in m for m in json.loads(payload)["messages"])  # kept pushes carry their `at`
        if n:
            seen["count"] += n
            seen["last"] = time.perf_counter()
            if seen["count"] >= args.queue and not done.done():
                done.set_result(None)

    conn.on_push = on_push
    out = {"error": None}
    try:
        frame = json.dumps({"type": "auth", "id": "a1", "token": token})
        sent, got, raw = await asyncio.wait_for(conn.timed_call(loop, frame), 120)
        reply = json.loads(raw)
        character = (reply.get("data") or {}).get("player", {}).get("character") or {}
        if reply.get("type") != "auth" or reply.get("ok") is not True:
            out["error"] = f"bad auth reply: {raw[:200]!r}"
        elif character.get("time", -1) < clock_after:
            out["error"] = f"life not caught up: clock {character.get('time')} < {clock_after}"
        while not done.done():  # until the whole queue arrived, or nothing more for `--quiet` s
            before = seen["count"]
            await asyncio.wait([done], timeout=args.quiet)
            if seen["count"] == before:
                break
        out.update(auth=got - sent, last=(seen["last"] - sent) if seen["count"] else float("nan"), pushes=seen["count"])
    except (ConnectionError, TimeoutError) as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
    return out


async def run_group(
    loop: asyncio.AbstractEventLoop,
    args: argparse.Namespace,
    port: int,
    server_pid: int,
    members: list[tuple[str, int]],
    concurrency: int,
) -> dict:
    limit = asyncio.Semaphore(concurrency)

    async def one(token: str, clock_after: int) -> dict:
        async with limit:
            return await returning(loop, args, port, token, clock_after)

    cpu0, started = cpu_seconds(server_pid), time.perf_counter()
    rows = await asyncio.gather(*(one(token, clock_after) for token, clock_after in members))
    cpu, wall = cpu_seconds(server_pid) - cpu0, time.perf_counter() - started
    good = [r for r in rows if r["error"] is None]
    return {
        "concurrency": concurrency,
        "auth": latency_summary([r["auth"] for r in good]),
        "last": latency_summary([r["last"] for r in good if r["pushes"]]),
        "pushes": (min((r["pushes"] for r in good), default=0), max((r["pushes"] for r in good), default=0)),
        "cpu_ms": cpu / max(1, len(rows)) * 1000,
        "wall_s": wall,
        "errors": [r["error"] for r in rows if r["error"]],
    }


async def measure(args: argparse.Namespace, port: int, server_pid: int, prep: dict) -> dict:
    loop = asyncio.get_running_loop()
    limit = asyncio.Semaphore(50)

    async def one(i: int, token: str):
        async with limit:
            return await open_conn(loop, "127.0.0.1", port, "/ws/play/", token, i, True)

    conns = await asyncio.gather(*(one(i, t) for i, t in enumerate(prep["ping_tokens"])))
    print(f"ping: {len(conns)} sockets, closed loop, {args.warmup:g} s warm-up + {args.duration:g} s", flush=True)
    cpu0 = cpu_seconds(server_pid)
    run = await closed_loop(conns, warmup=args.warmup, duration=args.duration)
    ping = latency_summary(run.latencies)
    ping.update(
        rps=len(run.latencies) / args.duration,
        errors=run.errors,
        cpu=(cpu_seconds(server_pid) - cpu0) / (args.warmup + args.duration),
    )
    results = {"ping": ping}
    for name, members in prep["groups"].items():
        concurrency = 1 if name.endswith("-seq") else args.concurrency
        print(f"{name}: {len(members)} returning players, {concurrency} at a time", flush=True)
        with profiled(server_pid, Path(args.py_spy) / f"{name}.txt" if args.py_spy else None):
            results[name] = await run_group(loop, args, port, server_pid, members, concurrency)
        r = results[name]
        print(
            f"  auth p50 {r['auth']['p50_ms']:.1f} ms, p99 {r['auth']['p99_ms']:.1f} ms; last push p99 "
            f"{r['last']['p99_ms']:.1f} ms; {len(r['errors'])} errors",
            flush=True,
        )
    return results


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------
def report(args: argparse.Namespace, results: dict, note: str) -> int:
    ping = results["ping"]
    print()
    print(
        f"catchup: {args.connections} sockets for `ping`; returning players last seen 7 days + "
        f"{args.paused_minutes:g} min ago, lives {args.age_years} game years old then, {args.queue} queued "
        f"pushes each; {'MariaDB + Redis' if args.mysql else 'SQLite, in-memory layer'}; {note}"
    )
    head = f"{'what':<50}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'x ping p99':>12}{'srv ms/auth':>13}"
    print(head + f"{'pushes':>11}")
    print(
        f"{'ping, closed loop':<50}{ping['n']:>6}{ping['p50_ms']:>9.2f}{ping['p99_ms']:>9.2f}{ping['max_ms']:>9.1f}"
        f"{1:>12.2f}{'':>13}{'':>11}   ({ping['rps']:.0f} req/s, server CPU {ping['cpu']:.0%})"
    )
    failed = bool(ping["errors"])
    for sample in ping["errors"]:
        print(f"    error: {sample}")
    for name, r in results.items():
        if name == "ping":
            continue
        kind = name.split("-")[0]
        how = "one at a time" if r["concurrency"] == 1 else f"{r['concurrency']} at a time"
        lo, hi = r["pushes"]
        for label, s in (("auth -> reply", r["auth"]), ("auth -> last queued push", r["last"])):
            ratio = s["p99_ms"] / ping["p99_ms"] if ping["p99_ms"] else float("nan")
            cpu = f"{r['cpu_ms']:.1f}" if label == "auth -> reply" else ""
            pushes = (f"{lo}" if lo == hi else f"{lo}..{hi}") if label != "auth -> reply" else ""
            print(
                f"{f'{kind}, {how}: {label}':<50}{s['n']:>6}{s['p50_ms']:>9.1f}{s['p99_ms']:>9.1f}"
                f"{s['max_ms']:>9.1f}{ratio:>12.1f}{cpu:>13}{pushes:>11}"
            )
        for sample in r["errors"][:5]:
            print(f"    error: {sample}")
        failed = failed or bool(r["errors"]) or (kind == "realistic" and lo != args.queue)
    for mode in ("seq", "conc"):
        r = results.get(f"realistic-{mode}")
        if r and ping["p99_ms"]:
            ratio = r["auth"]["p99_ms"] / ping["p99_ms"]
            how = "one at a time" if r["concurrency"] == 1 else f"{r['concurrency']} at a time"
            print(
                f"target (realistic, {how}): auth p99 <= 20x ping p99: {ratio:.1f}x -> "
                f"{'met' if ratio <= 20 else 'MISSED'}"
            )
    if args.json:
        print(json.dumps(results))
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", "-c", type=int, default=50, help="sockets in the `ping` loop")
    parser.add_argument("--duration", "-d", type=float, default=10.0, help="measured seconds of `ping`")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of `ping` before measuring")
    parser.add_argument("--players", type=int, default=100, help="realistic returning players, per mode")
    parser.add_argument("--worst-players", type=int, default=50, help="worst-case returning players, per mode")
    parser.add_argument("--concurrency", type=int, default=10, help="players signing in at once, second mode")
    parser.add_argument("--queue", type=int, default=1000, help="queued pushes per player (the cap is 1,000)")
    parser.add_argument("--age-years", type=int, default=20, help="the lives' game age at the last sign-in")
    parser.add_argument("--templates", type=int, default=10, help="distinct engine lives the players share")
    parser.add_argument("--paused-minutes", type=float, default=5.0, help="how long ago the lives paused")
    parser.add_argument("--quiet", type=float, default=0.5, help="s without a push that ends a short queue")
    parser.add_argument("--py-spy", metavar="DIR", help="record py-spy samples of the server per group into DIR")
    parser.add_argument("--mysql", action="store_true", help="MariaDB (127.0.0.1:3306) + Redis instead of SQLite")
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="don't pin server / load to CPUs")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()
    import uvloop

    with prepared_game("catchup", mysql=args.mysql, pinned=args.pin, prepare=lambda: prepare(args)) as (
        prep,
        game,
        port,
        note,
    ):
        results = uvloop.run(measure(args, port, game.pid, prep))
    sys.exit(report(args, results, note))


if __name__ == "__main__":
    main()

"""Soak: 1,000 players churning for 10 minutes (connect, sign in, play, disconnect, again): memory flat, no
error, nothing left behind.

    .venv/bin/python bench/soak.py                              (1,000 players, 2 min warm-up, 10 min measured)
    .venv/bin/python bench/soak.py --players 200 --warmup 30 --duration 60     (a quicker look)

What it does (docs/performance.md, "Soak"):

1. The production wiring (bench/wsload.py `production_env`): its own Redis, a throwaway MariaDB database when
   MariaDB runs here (else SQLite); `--players` guest accounts with real tokens; `--workers` uvicorn processes
   behind one port (the `make run` flags, the in-process jobs on as in a single-box deployment).
2. `--loaders` processes play every account at once, each in a loop: open a socket, `auth`, play a session of
   `--session` seconds (a verb every 2-4 s: get_state, ping, check_daily_login, do_activity nap,
   get_active_quests, get_statistics), close, wait 1-3 s, again, until the end.
3. The server's RSS (every server process) is read every 15 s; the figure is RSS at the end against RSS right
   after the warm-up (target: within 10 %).
4. Errors: a reply `internal`, `unavailable`, `bad_request`, `unknown_type` or `unauthenticated`, a socket that
   failed to open or closed under a session, a reply that did not come within 30 s, a traceback in the
   server's log (target: none).
5. After the last socket closed: group memberships left in the channel layer (core layer: the group sorted
   sets; pub/sub layer: subscriptions of `player.*`/`token.*` groups), presence (players still counted
   online) and the socket counts every process publishes (target: none, within one heartbeat).
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sockets import KB, expect, server_rss
from wsload import (
    PYTHON,
    SERVERS,
    django_setup,
    free_port,
    latency_summary,
    open_conn,
    production_env,
    sign_in_players,
    stop,
    wait_http,
    warn_if_busy,
)

VERBS = [
    '{"type":"get_state","id":"%d"}',
    '{"type":"ping","id":"%d"}',
    '{"type":"check_daily_login","id":"%d"}',
    '{"type":"do_activity","id":"%d","activity":"nap"}',
    '{"type":"get_active_quests","id":"%d"}',
    '{"type":"get_statistics","id":"%d"}',
]
BAD = {"internal", "unavailable", "bad_request", "unknown_type", "unauthenticated"}


# --------------------------------------------------------------------------------------------
# Load processes
# --------------------------------------------------------------------------------------------
def role_loader(args: argparse.Namespace) -> None:
    """Play its accounts in a loop until `--duration` + `--warmup` seconds have passed; report as JSON."""
    import uvloop

    tokens = json.loads(Path(args.tokens).read_text())[args.first : args.first + args.count]
    stats = {"sessions": 0, "verbs": 0, "errors": 0, "samples": [], "latencies": []}

    def error(why: str) -> None:
        stats["errors"] += 1
        if len(stats["samples"]) < 5:
            stats["samples"].append(why)

    async def player(index: int, token: str, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        rng = random.Random(args.first + index)
        await asyncio.sleep(rng.uniform(0, args.ramp))
        while time.time() < deadline:
            try:
                conn = await asyncio.wait_for(open_conn(loop, "127.0.0.1", args.port, "/ws/play/", token, 0, False), 60)
            except Exception as exc:
                error(f"open/auth: {type(exc).__name__}: {exc}"[:200])
                await asyncio.sleep(1.0)
                continue
            stats["sessions"] += 1
            session_end = min(deadline, time.time() + rng.uniform(args.session / 2, args.session * 1.5))
            n = rng.randrange(len(VERBS))
            try:
                while time.time() < session_end:
                    n += 1
                    started = time.perf_counter()
                    raw = await asyncio.wait_for(conn.call(loop, VERBS[n % len(VERBS)] % n), 30)
                    stats["latencies"].append(time.perf_counter() - started)
                    stats["verbs"] += 1
                    reply = json.loads(raw)
                    if not reply.get("ok") and reply.get("error", {}).get("code") in BAD:
                        error(f"reply: {raw[:200]!r}")
                    await asyncio.sleep(rng.uniform(2.0, 4.0))
            except Exception as exc:
                error(f"session: {type(exc).__name__}: {exc}"[:200])
            conn.close()
            await asyncio.sleep(rng.uniform(1.0, 3.0))

    async def main() -> None:
        deadline = time.time() + args.warmup + args.duration
        await asyncio.gather(*(player(i, token, deadline) for i, token in enumerate(tokens)))

    print("READY", flush=True)
    uvloop.run(main())
    stats["latencies"] = latency_summary(stats["latencies"])
    print(json.dumps(stats), flush=True)


# --------------------------------------------------------------------------------------------
# What was left behind
# --------------------------------------------------------------------------------------------
def leftovers(redis_url: str, prefix: str, layer: str) -> dict:
    """Group memberships, players counted online and open sockets counted, from Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    if layer == "pubsub":
        channels = [c.decode() for c in client.pubsub_channels(f"{prefix}:asgi*")]
        groups = [c for c in channels if "player." in c or "token." in c]
        members = sum(n for _, n in client.pubsub_numsub(*groups)) if groups else 0
    else:
        members = sum(client.zcard(key) for key in client.scan_iter(f"{prefix}:asgi:group:*", count=1000))
    online = 0
    for key in client.scan_iter(f"{prefix}:online:*", count=1000):
        for value in client.hgetall(key).values():
            online += int(value.decode().split("|")[0] or 0)
    sockets = sum(int(v.decode().split(":")[0]) for v in client.hgetall(f"{prefix}:ws:connections").values())
    return {"group_members": members, "online": online, "sockets": sockets}


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------
def orchestrate(args: argparse.Namespace) -> int:
    warn_if_busy()
    tmp = Path(tempfile.mkdtemp(prefix="baolife-soak-"))
    procs: list[subprocess.Popen] = []
    try:
        with production_env(tmp, "soak") as (env, said):
            env = {**env, "CHANNEL_LAYER": args.layer, "WS_MAX_SOCKETS_PER_PLAYER": "100"}
            django_setup(env)
            print(f"{said}; making {args.players} accounts ...", flush=True)
            tokens = tmp / "tokens.json"
            tokens.write_text(json.dumps([token for _, token in sign_in_players(args.players, "soak")]))
            port = free_port()
            cmd = [part.replace("{port}", str(port)) for part in SERVERS["uvicorn"]] + ["--workers", str(args.workers)]
            log = tmp / "server.log"
            with log.open("w") as server_log:
                server = subprocess.Popen(
                    cmd, cwd=Path(__file__).resolve().parents[1], env=env, stderr=server_log, stdout=server_log
                )
                procs.append(server)
                wait_http(f"http://127.0.0.1:{port}/health/live", server)
                time.sleep(2.0)
                measured = run(args, port, tokens, server, procs)
                for proc in reversed(procs[1:]):
                    stop(proc)
                settle = time.time() + 45  # one heartbeat (30 s) re-publishes the counts
                left = leftovers(env["REDIS_URL"], env["REDIS_KEY_PREFIX"], args.layer)
                while any(left.values()) and time.time() < settle:
                    time.sleep(3.0)
                    left = leftovers(env["REDIS_URL"], env["REDIS_KEY_PREFIX"], args.layer)
                stop(server)
            tracebacks = log.read_text(errors="replace").count("Traceback")
    finally:
        for proc in reversed(procs):
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    results, curve, warm_rss, end_rss = measured
    errors = sum(r["errors"] for r in results)
    samples = [s for r in results for s in r["samples"]][:5]
    growth = (end_rss - warm_rss) / warm_rss
    print()
    print(f"soak: {args.players} players churning on {args.workers} server processes ({said}), layer {args.layer}")
    print(
        f"  {sum(r['sessions'] for r in results)} sessions, {sum(r['verbs'] for r in results)} verbs in "
        f"{args.warmup + args.duration:.0f} s; slowest loader's verb p99 "
        f"{max(r['latencies']['p99_ms'] for r in results):.0f} ms"
    )
    print("  server RSS (MB) every 15 s: " + " ".join(f"{x / KB / KB:.0f}" for x in curve))
    print(
        f"  RSS after warm-up {warm_rss / KB / KB:.0f} MB, at the end {end_rss / KB / KB:.0f} MB: "
        f"{growth * 100:+.1f} % (target within 10 %)"
    )
    print(f"  errors: {errors} (target 0){' e.g. ' + '; '.join(samples) if samples else ''}")
    print(f"  tracebacks in the server's log: {tracebacks} (target 0)")
    print(
        f"  left after every socket closed: {left['group_members']} group memberships, {left['online']} players "
        f"online, {left['sockets']} sockets counted (target 0 each)"
    )
    ok = abs(growth) <= 0.10 and errors == 0 and tracebacks == 0 and not any(left.values())
    print(f"  {'meets' if ok else 'misses'} the targets")
    return 0 if ok else 1


def run(args: argparse.Namespace, port: int, tokens: Path, server: subprocess.Popen, procs: list) -> tuple:
    per = [args.players // args.loaders + (1 if i < args.players % args.loaders else 0) for i in range(args.loaders)]
    loaders = []
    first = 0
    for count in per:
        cmd = [PYTHON, __file__, "--role", "loader", "--port", str(port), "--tokens", str(tokens)]
        cmd += ["--first", str(first), "--count", str(count), "--warmup", str(args.warmup)]
        cmd += ["--duration", str(args.duration), "--session", str(args.session), "--ramp", str(args.ramp)]
        loaders.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True))
        first += count
    procs += loaders
    for proc in loaders:
        expect(proc, "READY")
    started = time.time()
    print(f"playing {args.players} players for {args.warmup:.0f} s of warm-up + {args.duration:.0f} s ...", flush=True)
    curve: list[int] = []
    warm_rss = 0
    while time.time() < started + args.warmup + args.duration:
        time.sleep(15.0)
        curve.append(server_rss(server.pid))
        if not warm_rss and time.time() >= started + args.warmup:
            warm_rss = curve[-1]
    end_rss = server_rss(server.pid)
    results = [json.loads(proc.communicate(timeout=120)[0].strip().splitlines()[-1]) for proc in loaders]
    return results, curve, warm_rss or curve[0], end_rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--warmup", type=float, default=120.0)
    parser.add_argument("--duration", type=float, default=600.0)
    parser.add_argument("--session", type=float, default=30.0, help="mean seconds of a play session")
    parser.add_argument("--ramp", type=float, default=30.0, help="seconds over which the players first arrive")
    parser.add_argument("--workers", type=int, default=2, help="server processes behind the one port")
    parser.add_argument("--loaders", type=int, default=4, help="processes playing the accounts")
    parser.add_argument("--layer", choices=["pubsub", "core"], default="pubsub", help="the channel layer")
    parser.add_argument("--role", choices=["orchestrate", "loader"], default="orchestrate", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "loader":
        role_loader(args)
    else:
        sys.exit(orchestrate(args))


if __name__ == "__main__":
    main()

"""10,000 signed-in sockets on one box: server memory per socket, and `ping` p99 of 100 active among the idle.

    .venv/bin/python bench/sockets.py                       (10,000 sockets, 2 server processes)
    .venv/bin/python bench/sockets.py --sockets 2000        (a quicker look)

What it does (docs/performance.md, "10,000 sockets"):

1. The production wiring (bench/wsload.py `production_env`): its own Redis on a spare port, a throwaway
   MariaDB database when MariaDB runs here (else SQLite); `--sockets` guest accounts made in this process
   through the accounts service (real tokens).
2. Starts `--workers` uvicorn processes behind ONE port (uvicorn's `--workers`: the processes share the
   listening socket), with the `make run` flags.
3. The active load process opens `--active` sockets, signs them in and pings each `--rate` times a second for
   a warm-up; the server's memory (RSS of every server process) is read: the baseline.
4. `--loaders` other processes open the rest of the sockets (`--sockets` - `--active`) and sign each in; they
   then hold them idle (answering the server's keep-alive pings). The memory is read again:
   (after - baseline) / idle sockets = **memory per socket** (target <= 50 KB).
5. The active sockets ping for `--duration` s among the idle ones: **p99** (target < 50 ms). Every socket is
   then checked still open (a server that dropped idle sockets fails the run).
Exit status 1 on a wrong reply, a socket that failed or closed, or a missed target.
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
from pathlib import Path

from wsload import (
    PYTHON,
    SERVERS,
    Conn,
    django_setup,
    free_port,
    latency_summary,
    open_conn,
    paced_pings,
    production_env,
    sign_in_players,
    stop,
    wait_http,
    warn_if_busy,
)

KB = 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * KB
    return 0


def server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *map(int, children)]


def server_rss(master: int) -> int:
    return sum(rss_bytes(pid) for pid in server_pids(master))


# --------------------------------------------------------------------------------------------
# Load processes
# --------------------------------------------------------------------------------------------
async def open_many(port: int, tokens: list[str], first: int, parallel: int = 64) -> list[Conn]:
    loop = asyncio.get_running_loop()
    limit = asyncio.Semaphore(parallel)

    async def one(i: int, token: str) -> Conn:
        async with limit:
            for attempt in range(5):
                try:
                    return await open_conn(loop, "127.0.0.1", port, "/ws/play/", token, first + i, False)
                except (ConnectionError, OSError):
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
            raise RuntimeError("unreachable")

    return await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))


def role_idle(args: argparse.Namespace) -> None:
    """Open and sign in its sockets, say READY, hold them until STOP, report how many are still open."""
    import uvloop

    tokens = json.loads(Path(args.tokens).read_text())[args.first : args.first + args.count]

    async def main() -> dict:
        conns = await open_many(args.port, tokens, args.first)
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        closed = [c.close_code for c in conns if c.transport is None or c.transport.is_closing()]
        return {"open": len(conns) - len(closed), "closed": len(closed), "codes": sorted(set(map(str, closed)))}

    print(json.dumps(uvloop.run(main())), flush=True)


def role_active(args: argparse.Namespace) -> None:
    """Open the active sockets; on WARM ping for the warm-up, on GO ping for the duration; report."""
    import uvloop

    tokens = json.loads(Path(args.tokens).read_text())[: args.count]

    async def main() -> dict:
        loop = asyncio.get_running_loop()
        conns = await open_many(args.port, tokens, 0)
        print("READY", flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)  # WARM
        await paced_pings(conns, per_second=args.rate, duration=args.warmup)
        print("WARMED", flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)  # GO
        latencies, wrong = await paced_pings(conns, per_second=args.rate, duration=args.duration)
        return {"latencies": latencies, "wrong": wrong}

    print(json.dumps(uvloop.run(main())), flush=True)


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------
def spawn(role: str, args: argparse.Namespace, port: int, tokens: Path, first: int, count: int) -> subprocess.Popen:
    cmd = [PYTHON, __file__, "--role", role, "--port", str(port), "--tokens", str(tokens)]
    cmd += ["--first", str(first), "--count", str(count), "--rate", str(args.rate)]
    cmd += ["--warmup", str(args.warmup), "--duration", str(args.duration)]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def expect(proc: subprocess.Popen, word: str) -> None:
    line = proc.stdout.readline().strip()
    if line != word:
        raise RuntimeError(f"load process said {line!r}, expected {word}")


def run_all(args: argparse.Namespace, env: dict, said: str, tmp: Path, procs: list) -> tuple:
    """Accounts, the server, the active sockets, the idle ones, the measured run (see the module's docstring)."""
    env = {**env, "WS_MAX_SOCKETS_PER_PLAYER": "100"}
    django_setup(env)
    print(f"{said}; making {args.sockets} accounts ...", flush=True)
    started = time.perf_counter()
    tokens = [token for _, token in sign_in_players(args.sockets, "sock")]
    tokens_file = tmp / "tokens.json"
    tokens_file.write_text(json.dumps(tokens))
    print(f"  {args.sockets} accounts in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    cmd = [part.replace("{port}", str(port)) for part in SERVERS["uvicorn"]] + ["--workers", str(args.workers)]
    server = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[1], env=env)
    procs.append(server)
    wait_http(f"http://127.0.0.1:{port}/health/live", server)
    time.sleep(2.0)  # every worker up
    active = spawn("active", args, port, tokens_file, 0, args.active)
    procs.append(active)
    expect(active, "READY")
    active.stdin.write("WARM\n")
    active.stdin.flush()
    expect(active, "WARMED")
    baseline = server_rss(server.pid)
    idle_count = args.sockets - args.active
    per = [idle_count // args.loaders + (1 if i < idle_count % args.loaders else 0) for i in range(args.loaders)]
    first = args.active
    print(f"opening {idle_count} idle sockets from {args.loaders} processes ...", flush=True)
    started = time.perf_counter()
    idle = []
    for count in per:
        idle.append(spawn("idle", args, port, tokens_file, first, count))
        first += count
    procs += idle
    for proc in idle:
        expect(proc, "READY")
    opened_in = time.perf_counter() - started
    time.sleep(3.0)  # the sign-ins' work settles (analytics flush, presence)
    after = server_rss(server.pid)
    active.stdin.write("GO\n")
    active.stdin.flush()
    result = json.loads(active.communicate(timeout=args.duration + 120)[0].strip().splitlines()[-1])
    held = []
    for proc in idle:
        proc.stdin.write("STOP\n")
        proc.stdin.flush()
        held.append(json.loads(proc.communicate(timeout=60)[0].strip().splitlines()[-1]))
    workers = len(server_pids(server.pid)) - 1
    return result, held, baseline, after, idle_count, opened_in, workers, said


def orchestrate(args: argparse.Namespace) -> int:
    warn_if_busy()
    tmp = Path(tempfile.mkdtemp(prefix="baolife-sockets-"))
    procs: list[subprocess.Popen] = []
    try:
        with production_env(tmp) as (env, said):
            try:
                measured = run_all(args, env, said, tmp, procs)
            finally:  # the load first, then the server, before the database and Redis go
                for proc in reversed(procs):
                    stop(proc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result, held, baseline, after, idle_count, opened_in, workers, said = measured
    summary = latency_summary(result["latencies"])
    per_socket = (after - baseline) / max(1, idle_count)
    still_open = sum(h["open"] for h in held)
    closed = sum(h["closed"] for h in held)
    print()
    print(f"{args.sockets} signed-in sockets on {workers} server processes behind one port ({said})")
    print(
        f"  idle sockets opened and signed in: {idle_count} in {opened_in:.0f} s; still open at the end: {still_open}"
    )
    print(f"  server RSS: {baseline / KB / KB:.0f} MB with {args.active} sockets, {after / KB / KB:.0f} MB with all")
    print(f"  memory per socket: {per_socket / KB:.1f} KB (target <= 50 KB)")
    print(
        f"  ping of {args.active} active sockets at {args.rate:g}/s among the idle: p50 {summary['p50_ms']:.1f} ms, "
        f"p99 {summary['p99_ms']:.1f} ms, max {summary['max_ms']:.1f} ms over {summary['n']} pings "
        "(target p99 < 50 ms)"
    )
    ok = per_socket <= 50 * KB and summary["p99_ms"] < 50 and not result["wrong"] and not closed
    print(f"  {'meets' if ok else 'misses'} the targets; wrong replies {result['wrong']}, closed sockets {closed}")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--active", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="server processes behind the one port")
    parser.add_argument("--loaders", type=int, default=4, help="processes holding the idle sockets")
    parser.add_argument("--rate", type=float, default=2.0, help="pings per second of each active socket")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument(
        "--role", choices=["orchestrate", "idle", "active"], default="orchestrate", help=argparse.SUPPRESS
    )
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "idle":
        role_idle(args)
    elif args.role == "active":
        role_active(args)
    else:
        sys.exit(orchestrate(args))


if __name__ == "__main__":
    main()

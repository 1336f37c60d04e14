"""WebSocket round trip: the full game stack against a bare `websockets` echo, in one run.

    .venv/bin/python bench/ws_rtt.py            (also `make bench`)
    .venv/bin/python bench/ws_rtt.py --duration 20 --server uvicorn,daphne

What it does (docs/performance.md, "WebSocket round trip"):

1. For each mode (`--modes`, both by default): the embedded default — a throwaway SQLite database,
   the in-memory channel layer —, and the production wiring — its own Redis on a spare port (channel
   layer, cache, shared rate limiter, presence) and a throwaway MariaDB database when MariaDB runs on
   127.0.0.1:3306 (else SQLite) —, migrated.
2. Starts the game server of each mode as a subprocess (the `make run` uvicorn flags by default;
   `--server` picks others), the rate limiter on with its thresholds raised through WS_RATE_* so
   that the limiter's cost is measured, not its refusals.
3. Signs in N players through `POST /api/auth/device` (real tokens).
4. Starts a bare `websockets` echo server (uvloop, no compression) as another subprocess.
5. For each target: the load generator (separate process(es), uvloop, a minimal raw-socket
   WebSocket client whose frames are pre-built and pre-masked, so the client costs little
   per message) opens N connections, authenticates each one (`auth` with its token, the
   reply checked), then runs a closed loop: each connection sends `ping`, waits for the
   reply, checks it (`"ok":true` for the game, byte-equal for the echo) and sends the next.
   After a warm-up it counts replies and records every round trip for `--duration` seconds.
6. Prints requests/s, p50 and p99 for each, the ratios to the echo, CPU use of each process, and the
   verdict against issue 14's target: req/s >= 0.7x the echo and p99 <= 2x, in both modes.

On a machine with 2+ CPUs the servers are pinned to CPU 0 and the load generator to the
others (`--no-pin` to let the scheduler place them), so each server gets one core and the
load generator cannot steal it. Exit status 1 if any reply was wrong or a socket failed.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import json
import os
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
    closed_loop,
    cpu_seconds,
    free_port,
    game_env,
    migrate,
    open_conn,
    percentile,
    pin,
    production_env,
    sign_in,
    split_cpus,
    start_game,
    stop,
    wait_port,
    warn_if_busy,
)


# --------------------------------------------------------------------------------------------
# Echo server (role "echo"): the baseline, a bare `websockets` server on uvloop.
# --------------------------------------------------------------------------------------------
def serve_echo(port: int, deflate: bool) -> None:
    import uvloop
    from websockets.asyncio.server import serve

    async def echo(ws) -> None:
        async for message in ws:
            await ws.send(message)

    async def main() -> None:
        compression = "deflate" if deflate else None
        async with serve(echo, "127.0.0.1", port, compression=compression, ping_interval=None, max_size=1 << 20):
            await asyncio.get_running_loop().create_future()

    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(main())


# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Load generator (role "load"): the raw-socket client of wsload.py, closed loop.
# --------------------------------------------------------------------------------------------
def load(args: argparse.Namespace) -> None:
    """Role "load": open the sockets, say READY, wait for GO <t0>, run, write the results."""
    import uvloop

    tokens = json.loads(Path(args.tokens).read_text()) if args.tokens else None

    async def main() -> dict:
        loop = asyncio.get_running_loop()
        limit = asyncio.Semaphore(50)

        async def one(i: int) -> Conn:
            async with limit:
                return await open_conn(
                    loop, args.host, args.port, args.path, tokens[i] if tokens else None, i, args.client_deflate
                )

        conns = await asyncio.gather(*(one(i) for i in range(args.first, args.first + args.count)))
        print("READY", flush=True)
        line = await loop.run_in_executor(None, sys.stdin.readline)
        t0_wall = float(line.split()[1])
        base = time.perf_counter() + (t0_wall - time.time())
        run = await closed_loop(conns, warmup=args.warmup, duration=args.duration, start=base)
        Path(args.out).write_bytes(run.latencies.tobytes())
        return {
            "count": len(run.latencies),
            "errors": run.error_count,
            "error_samples": run.errors,
            "deflate": sum(c.inflate is not None for c in conns),
            "compressed": sum(c.compressed for c in conns),
        }

    print(json.dumps(uvloop.run(main())), flush=True)


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------
def measure(
    args: argparse.Namespace,
    name: str,
    port: int,
    server_pid: int,
    tokens_file: str | None,
    tmp: Path,
    load_cpus: set[int] | None,
) -> dict:
    """Run the load processes against one target; return the merged figures."""
    procs = []
    per = [args.connections // args.procs + (1 if i < args.connections % args.procs else 0) for i in range(args.procs)]
    first = 0
    for i, count in enumerate(per):
        out = tmp / f"lat-{name.replace('/', '-')}-{i}.bin"
        cmd = [
            PYTHON,
            __file__,
            "--role",
            "load",
            "--port",
            str(port),
            "--path",
            args.path,
            "--first",
            str(first),
            "--count",
            str(count),
            "--out",
            str(out),
            "--warmup",
            str(args.warmup),
            "--duration",
            str(args.duration),
        ]
        if tokens_file:
            cmd += ["--tokens", tokens_file]
        if not args.client_deflate:
            cmd += ["--no-client-deflate"]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        pin(proc.pid, load_cpus)
        procs.append((proc, out))
        first += count
    for proc, _ in procs:
        line = proc.stdout.readline()
        if line.strip() != "READY":
            raise RuntimeError(f"load generator for {name} failed to connect ({line.strip()!r})")
    t0 = time.time() + 0.2
    for proc, _ in procs:
        proc.stdin.write(f"GO {t0}\n")
        proc.stdin.flush()
    time.sleep(max(0.0, t0 + args.warmup - time.time()))
    cpu0 = cpu_seconds(server_pid), sum(cpu_seconds(p.pid) for p, _ in procs)
    time.sleep(max(0.0, t0 + args.warmup + args.duration - time.time()))
    cpu1 = cpu_seconds(server_pid), sum(cpu_seconds(p.pid) for p, _ in procs)
    latencies: list[float] = []
    errors = deflate = compressed = 0
    samples: list[str] = []
    for proc, out in procs:
        summary = json.loads(proc.communicate(timeout=60)[0].strip().splitlines()[-1])
        errors += summary["errors"]
        deflate += summary["deflate"]
        compressed += summary["compressed"]
        samples += summary["error_samples"]
        latencies.extend(array.array("d", out.read_bytes()))
    latencies.sort()
    return {
        "target": name,
        "requests": len(latencies),
        "rps": len(latencies) / args.duration,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
        "server_cpu": (cpu1[0] - cpu0[0]) / args.duration,
        "us_per_req": (cpu1[0] - cpu0[0]) / len(latencies) * 1e6 if latencies else 0.0,
        "load_cpu": (cpu1[1] - cpu0[1]) / args.duration,
        "errors": errors,
        "error_samples": samples,
        "deflate": "on" if compressed else ("accepted" if deflate else "off"),
    }


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else float("nan")


def summarize(rounds: list[dict]) -> dict:
    """One target's figures over the rounds: its best round (other load on the machine only slows a
    round down), with the median CPU cost per request."""
    out = dict(max(rounds, key=lambda r: r["rps"]))
    out["us_per_req"] = _median([r["us_per_req"] for r in rounds])
    out["errors"] = sum(r["errors"] for r in rounds)
    out["error_samples"] = [e for r in rounds for e in r["error_samples"]][:5]
    return out


def _row(r: dict, echo: dict | None) -> str:
    ratio = f"{r['rps'] / echo['rps']:.2f}" if echo and echo["rps"] else "-"
    p99 = f"{r['p99_ms'] / echo['p99_ms']:.2f}" if echo and echo["p99_ms"] else "-"
    cost = f"{echo['us_per_req'] / r['us_per_req']:.2f}" if echo and r["us_per_req"] else "-"
    return (
        f"{r['target']:<26}{r['rps']:>9.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['max_ms']:>9.1f}"
        f"{r['server_cpu']:>8.0%}{r['us_per_req']:>8.1f}{r['load_cpu']:>9.0%}{ratio:>8}{p99:>7}{cost:>8}"
        f"{r['deflate']:>9}{r['errors']:>8}"
    )


def report(results: dict[str, list[dict]], args: argparse.Namespace, notes: list[str]) -> None:
    print()
    print(
        f"ws_rtt: {args.connections} connections, closed loop `ping`, {args.warmup:g} s warm-up + "
        f"{args.duration:g} s measured per target, {args.rounds} round(s), {args.procs} load process(es); "
        + "; ".join(notes)
    )
    head = f"{'target':<26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'srv CPU':>9}{'us/req':>8}"
    head += f"{'load CPU':>9}{'x echo':>8}{'p99 x':>7}{'cpu x':>8}{'deflate':>9}{'errors':>8}"
    if args.rounds > 1:
        for i in range(args.rounds):
            print(f"round {i + 1}")
            print(head)
            echo = results["echo"][i] if "echo" in results else None
            for rounds in results.values():
                print(_row(rounds[i], echo))
        print(f"best of {args.rounds} rounds (us/req: median)")
    summary = {name: summarize(rounds) for name, rounds in results.items()}
    echo = summary.get("echo")
    print(head)
    for r in summary.values():
        print(_row(r, echo))
        for sample in r["error_samples"]:
            print(f"    error: {sample}")
    busy = [f"{r['target']} ({r['server_cpu']:.0%})" for r in summary.values() if r["server_cpu"] < 0.85]
    if busy:
        print(
            "warning: a server got less than 85 % of its CPU in its best round: "
            + ", ".join(busy)
            + "; other load on the machine? compare `us/req` (server CPU per request) instead"
        )
    if echo and echo["rps"]:
        for r in summary.values():
            if r is echo:
                continue
            rps_ok = r["rps"] >= 0.7 * echo["rps"]
            p99_ok = r["p99_ms"] <= 2 * echo["p99_ms"]
            verdict = "meets" if rps_ok and p99_ok else "misses"
            print(
                f"{r['target']}: {verdict} the target (req/s >= 0.7x echo: {'yes' if rps_ok else 'no'}, "
                f"p99 <= 2x echo: {'yes' if p99_ok else 'no'})"
            )
    if args.json:
        print(json.dumps({"rounds": results, "median": summary}))


def orchestrate(args: argparse.Namespace) -> int:
    servers = [s for s in args.server.split(",") if s]
    for s in servers:
        if s not in SERVERS:
            sys.exit(f"unknown --server {s!r}; one of {', '.join(SERVERS)}")
    modes = [m for m in args.modes.split(",") if m]
    for m in modes:
        if m not in ("embedded", "production", "production-core"):
            sys.exit(f"unknown --modes {m!r}; embedded, production, production-core")
    server_cpus, load_cpus, note = split_cpus(args.pin)
    notes = [note]
    warn_if_busy()
    tmp = Path(tempfile.mkdtemp(prefix="baolife-bench-"))
    targets: list[tuple[str, int, int, str | None]] = []  # name, port, pid, tokens file
    results: dict[str, list[dict]] = {}
    running: list[subprocess.Popen] = []
    try:
        with contextlib.ExitStack() as stack:
            for mode in modes:
                where = tmp / mode
                where.mkdir()
                if mode.startswith("production"):
                    env, said = stack.enter_context(production_env(where, mode))
                    env = {**env, "CHANNEL_LAYER": "core" if mode == "production-core" else "pubsub"}
                    notes.append(said)
                else:
                    print(f"migrating a throwaway SQLite database in {where} ...", flush=True)
                    env = game_env(where)
                    migrate(env)
                tokens_file = where / "tokens.json"
                for i, server in enumerate(servers):
                    game, port = start_game(server, env, server_cpus)
                    running.append(game)
                    if i == 0:
                        tokens = sign_in(port, args.connections)
                        tokens_file.write_text(json.dumps(tokens))
                        print(f"{mode}: signed in {len(tokens)} players through POST /api/auth/device", flush=True)
                    targets.append((f"{server}/{mode}", port, game.pid, str(tokens_file)))
            if not args.no_echo:
                port = free_port()
                cmd = [PYTHON, __file__, "--role", "echo", "--port", str(port)]
                cmd += ["--echo-deflate"] if args.echo_deflate else []
                print(f"starting the bare websockets echo server{' (deflate)' * args.echo_deflate}", flush=True)
                echo = subprocess.Popen(cmd)
                running.append(echo)
                pin(echo.pid, server_cpus)
                wait_port(port)
                targets.append(("echo", port, echo.pid, None))
            for i in range(args.rounds):
                for name, port, pid, tokens in targets:
                    result = measure(args, name, port, pid, tokens, tmp, load_cpus)
                    results.setdefault(name, []).append(result)
                    print(
                        f"  round {i + 1}, {name}: {result['rps']:.0f} req/s, p99 {result['p99_ms']:.1f} ms", flush=True
                    )
            for proc in running:  # before their databases and Redis go
                stop(proc)
    finally:
        for proc in running:
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    report(results, args, notes)
    return 1 if any(r["errors"] for rounds in results.values() for r in rounds) else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", "-c", type=int, default=200)
    parser.add_argument("--duration", "-d", type=float, default=10.0, help="measured seconds per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring")
    parser.add_argument("--rounds", type=int, default=1, help="measure every target this many times, alternating")
    parser.add_argument(
        "--procs", type=int, default=0, help="load generator processes (default: 1 when pinned, else 2)"
    )
    parser.add_argument(
        "--server", default="uvicorn", help=f"comma-separated game servers to measure: {', '.join(SERVERS)}"
    )
    parser.add_argument(
        "--modes",
        default="embedded,production",
        help="embedded (SQLite, in-memory layer), production (its own Redis, channels-redis' pub/sub layer, the "
        "default; MariaDB when it runs here), production-core (the same with channels-redis' core layer)",
    )
    parser.add_argument("--no-echo", action="store_true", help="skip the bare echo baseline")
    parser.add_argument(
        "--no-client-deflate",
        dest="client_deflate",
        action="store_false",
        help="don't offer permessage-deflate (browsers do; by default the client offers it like one)",
    )
    parser.add_argument("--echo-deflate", action="store_true", help="echo server with permessage-deflate")
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="don't pin servers / load to CPUs")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    # internal roles
    parser.add_argument(
        "--role", choices=["orchestrate", "echo", "load"], default="orchestrate", help=argparse.SUPPRESS
    )
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", default="/ws/play/", help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "echo":
        serve_echo(args.port, args.echo_deflate)
    elif args.role == "load":
        load(args)
    else:
        if not args.procs:
            multi = hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2
            args.procs = 1 if (args.pin and multi) else 2
        sys.exit(orchestrate(args))


if __name__ == "__main__":
    main()

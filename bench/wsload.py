"""Shared pieces of the WebSocket benchmarks (bench/ws_rtt.py, bench/catchup.py, bench/purchases.py).

- the game server's command lines (the `make run` uvicorn flags) and process helpers: free ports,
  waiting for a server, CPU pinning, CPU accounting, stopping;
- the server's environment for a throwaway database (SQLite in a temp dir, or a MariaDB database
  with Redis), and in-process Django for the benches that prepare rows themselves;
- a minimal raw-socket WebSocket client (`Conn`, asyncio protocol, pre-masked frames) that runs a
  cheap closed loop (`closed_loop`) or awaits replies one at a time (`Conn.request`), skipping
  pushes (`{"type":"batch",...}` frames) or handing them to `Conn.on_push`;
- percentiles.
"""

from __future__ import annotations

import array
import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent

# The `run` target's flags (Makefile); keep the two in step.
UVICORN_FLAGS = [
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--ws",
    "websockets-sansio",
    "--ws-per-message-deflate",
    "false",
    "--ws-max-size",
    "1048576",
    "--lifespan",
    "on",
    "--no-access-log",
    "--log-level",
    "warning",
]


def _uvicorn(*flags: str) -> list[str]:
    return [str(BIN / "uvicorn"), "baolife.asgi:application", "--host", "127.0.0.1", "--port", "{port}", *flags]


def _swap(flags: list[str], option: str, value: str) -> list[str]:
    """The flags with `option`'s value replaced."""
    out = list(flags)
    out[out.index(option) + 1] = value
    return out


SERVERS: dict[str, list[str]] = {
    "uvicorn": _uvicorn(*UVICORN_FLAGS),
    "uvicorn-legacy": _uvicorn(*_swap(UVICORN_FLAGS, "--ws", "websockets")),
    "uvicorn-wsproto": _uvicorn(*_swap(UVICORN_FLAGS, "--ws", "wsproto")),
    "uvicorn-deflate": _uvicorn(*_swap(UVICORN_FLAGS, "--ws-per-message-deflate", "true")),
    "uvicorn-asyncio": _uvicorn(*_swap(UVICORN_FLAGS, "--loop", "asyncio")),
    "daphne": [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", "{port}", "-v", "0", "baolife.asgi:application"],
}


# --------------------------------------------------------------------------------------------
# Echo server (role "echo"): the baseline, a bare `websockets` server on uvloop.


# --------------------------------------------------------------------------------------------
# WebSocket client
# --------------------------------------------------------------------------------------------
def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    mask = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(n, "big")


def client_frame(text: str | bytes, opcode: int = 0x1) -> bytes:
    """One masked client frame (RFC 6455 5.2), built once and reused for every send."""
    payload = text.encode() if isinstance(text, str) else text
    key = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, 0x80 | n])
    elif n < 1 << 16:
        head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
    return head + key + _mask(payload, key)


CLOSE_FRAME = client_frame((1000).to_bytes(2, "big"), opcode=0x8)  # normal closure


class Run:
    """The shared clock and tallies of one load process."""

    def __init__(self, warm_until: float, stop_at: float) -> None:
        self.warm_until = warm_until
        self.stop_at = stop_at
        self.latencies = array.array("d")
        self.errors: list[str] = []
        self.error_count = 0
        self.stopped: asyncio.Future | None = None
        self.running = 0


class Conn(asyncio.Protocol):
    def __init__(self, host: str, port: int, path: str, deflate: bool) -> None:
        self.key = base64.b64encode(os.urandom(16)).decode()
        # Like a browser, offer permessage-deflate (RFC 7692): the server's settings decide.
        offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if deflate else ""
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self.key}\r\nSec-WebSocket-Version: 13\r\n{offer}\r\n"
        ).encode()
        self.inflate = None  # a zlib decompressor when the server accepted deflate
        self.reset_inflate = False  # server_no_context_takeover: a fresh decompressor per message
        self.compressed = False  # the server compressed (some) replies
        self.buf = bytearray()
        self.open = False
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future | None = None
        self.run: Run | None = None
        self.frame = b""
        self.expect: bytes | None = None  # echo: the exact payload; game: None (check "ok":true)
        self.sent_at = 0.0
        self.on_push: Callable[[bytes], None] | None = None  # gets every push frame (else skipped)
        self.keep_open = False  # stay open when a closed loop ends (for the next phase)

    # asyncio callbacks
    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        # the handshake's reply may arrive before `handshake` runs: its waiter exists from here on
        self.waiter = asyncio.get_running_loop().create_future()
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"closed (code {self.close_code}): {exc}"))
        if self.run is not None and self.run.stopped is not None and not self.closing:
            self._fail(f"connection lost: {exc}")

    closing = False
    close_code: int | None = None

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            del buf[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                self.waiter.set_exception(ConnectionError(head.split(b"\r\n", 1)[0].decode()))
                return
            for line in head.lower().split(b"\r\n"):
                if line.startswith(b"sec-websocket-extensions:") and b"permessage-deflate" in line:
                    self.inflate = zlib.decompressobj(-15)
                    self.reset_inflate = b"server_no_context_takeover" in line
            self.open = True
            self.waiter.set_result(None)
        while len(buf) >= 2:
            n = buf[1] & 0x7F
            start = 2
            if n == 126:
                if len(buf) < 4:
                    return
                n = int.from_bytes(buf[2:4], "big")
                start = 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n = int.from_bytes(buf[2:10], "big")
                start = 10
            if len(buf) < start + n:
                return
            opcode = buf[0] & 0x0F
            payload = bytes(buf[start : start + n])
            if buf[0] & 0x40:  # RSV1: a compressed message
                if self.reset_inflate:
                    self.inflate = zlib.decompressobj(-15)
                payload = self.inflate.decompress(payload + b"\x00\x00\xff\xff")
                self.compressed = True
            del buf[: start + n]
            self.on_frame(opcode, payload)

    # frames
    def on_frame(self, opcode: int, payload: bytes) -> None:
        if opcode != 0x1:
            if opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                self.close_code = code
                self._fail(f"server closed the socket ({code})")
            elif opcode == 0x9:  # the server's keepalive ping (uvicorn: every 20 s): answer, or it closes
                self.transport.write(client_frame(payload, opcode=0xA))
            return
        if payload.startswith(b'{"type":"batch"'):  # a push, not a reply
            if self.on_push is not None:
                self.on_push(payload)
            return
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(payload)
            return
        run = self.run
        if run is None:
            return
        now = time.perf_counter()
        if self.expect is None:
            ok = b'"ok":true' in payload
        else:
            ok = payload == self.expect
        if not ok:
            self._fail(f"bad reply: {payload[:200]!r}")
            return
        if run.warm_until <= self.sent_at and now <= run.stop_at:
            run.latencies.append(now - self.sent_at)
        if now >= run.stop_at:
            self._done()
            return
        self.sent_at = time.perf_counter()
        self.transport.write(self.frame)

    def _fail(self, why: str) -> None:
        run = self.run
        if run is not None:
            run.error_count += 1
            if len(run.errors) < 5:
                run.errors.append(why)
        self._done()

    def _done(self) -> None:
        if self.closing:
            return
        self.closing = True
        run = self.run
        if not self.keep_open:
            self.close()
        if run is not None:
            run.running -= 1
            if run.running == 0 and run.stopped is not None and not run.stopped.done():
                run.stopped.set_result(None)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(CLOSE_FRAME)
            self.transport.close()

    # setup
    async def handshake(self, loop: asyncio.AbstractEventLoop) -> None:
        await self.waiter

    async def call(self, loop: asyncio.AbstractEventLoop, text: str) -> bytes:
        """Send one frame and return the next reply (pushes go to `on_push` meanwhile)."""
        self.waiter = loop.create_future()
        self.transport.write(client_frame(text))
        payload = await self.waiter
        self.waiter = None
        return payload

    async def timed_call(self, loop: asyncio.AbstractEventLoop, text: str) -> tuple[float, float, bytes]:
        """`call`, timed: (sent at, reply at, reply), perf_counter seconds, the frame built beforehand."""
        frame = client_frame(text)
        self.waiter = loop.create_future()
        sent = time.perf_counter()
        self.transport.write(frame)
        payload = await self.waiter
        got = time.perf_counter()
        self.waiter = None
        return sent, got, payload


async def connect(loop, host: str, port: int, path: str = "/ws/play/", deflate: bool = True) -> Conn:
    """An open WebSocket (handshake done), not signed in."""
    _, conn = await loop.create_connection(lambda: Conn(host, port, path, deflate), host, port)
    await conn.handshake(loop)
    conn.waiter = None
    return conn


async def open_conn(loop, host: str, port: int, path: str, token: str | None, n: int, deflate: bool) -> Conn:
    """A socket signed in with `token` (None: the echo server), its `ping` frame pre-built."""
    conn = await connect(loop, host, port, path, deflate)
    if token is not None:
        reply = json.loads(await conn.call(loop, json.dumps({"type": "auth", "id": "auth", "token": token})))
        if not (reply.get("type") == "auth" and reply.get("ok") is True and reply["data"]["player"]):
            raise RuntimeError(f"auth failed: {reply}")
    text = json.dumps({"type": "ping", "id": f"p{n}"}, separators=(",", ":"))
    conn.frame = client_frame(text)
    conn.expect = None if token is not None else text.encode()
    return conn


async def closed_loop(
    conns: list[Conn], *, warmup: float, duration: float, start: float | None = None, keep_open: bool = False
) -> Run:
    """Closed loop of each socket's pre-built `frame` (from perf_counter `start`, default now): send,
    wait for the reply, check it, send again; round trips recorded after `warmup` for `duration` s."""
    loop = asyncio.get_running_loop()
    base = time.perf_counter() if start is None else start
    run = Run(base + warmup, base + warmup + duration)
    run.stopped = loop.create_future()
    run.running = len(conns)
    await asyncio.sleep(max(0.0, base - time.perf_counter()))
    for conn in conns:
        conn.keep_open = keep_open
        conn.run = run
        conn.sent_at = time.perf_counter()
        conn.transport.write(conn.frame)
    try:
        await asyncio.wait_for(run.stopped, warmup + duration + 30)
    except TimeoutError:
        run.error_count += 1
        run.errors.append(f"{run.running} sockets never finished (no reply)")
    if keep_open:
        for conn in conns:
            conn.run, conn.closing = None, False
    return run


async def paced_pings(conns: list[Conn], *, per_second: float, duration: float) -> tuple[list[float], int]:
    """Each socket sends `ping` `per_second` times a second (staggered), the way players' clients
    ping, not as fast as the server answers: (round trips in seconds, wrong replies). A saturating
    closed loop measures how the CPU is shared; this measures what a player waits."""
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    wrong = 0
    interval = 1.0 / per_second

    async def one(index: int, conn: Conn) -> None:
        nonlocal wrong
        await asyncio.sleep(index * interval / len(conns))
        end = time.perf_counter() + duration
        count = 0
        while (began := time.perf_counter()) < end:
            sent, got, payload = await conn.timed_call(loop, f'{{"type":"ping","id":"paced-{count}"}}')
            count += 1
            if b'"ok":true' in payload:
                latencies.append(got - sent)
            else:
                wrong += 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - began)))

    await asyncio.gather(*(one(i, c) for i, c in enumerate(conns)))
    return latencies, wrong


# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - our own http:// URL
                if r.status == 200:
                    return
        except OSError:
            if time.time() > deadline:
                raise
        time.sleep(0.1)


def wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.time() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if time.time() > deadline:
            raise TimeoutError(f"nothing listens on {port}")
        time.sleep(0.05)


def sign_in(port: int, n: int) -> list[str]:
    def one(i: int) -> str:
        body = json.dumps({"device_id": f"bench-device-{i:06d}"}).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/auth/device", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 - our own http:// URL
            return json.loads(r.read())["token"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def pin(pid: int, cpus: set[int] | None) -> None:
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(pid, cpus)


def cpu_seconds(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        total = sum(proc.cpu_times()[:2])
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += sum(child.cpu_times()[:2])
        return total
    except psutil.Error:
        return 0.0


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def latency_summary(seconds: list[float] | array.array) -> dict:
    """n, p50, p99 and max of round trips given in seconds, in milliseconds."""
    values = sorted(seconds)
    return {
        "n": len(values),
        "p50_ms": percentile(values, 0.50) * 1000,
        "p99_ms": percentile(values, 0.99) * 1000,
        "max_ms": values[-1] * 1000 if values else float("nan"),
    }


def _descendants(pid: int) -> list[int]:
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return children + [d for child in children for d in _descendants(child)]


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGINT, then SIGKILL after `timeout`; the process's children too (uvicorn's workers would outlive a killed
    master and keep using a database the bench is about to drop)."""
    if proc.poll() is None:
        children = _descendants(proc.pid)
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def split_cpus(pinned: bool) -> tuple[set[int] | None, set[int] | None, str]:
    """(server CPUs, load CPUs, a note): on 2+ CPUs the server gets the first one, the load the rest."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if pinned and len(cpus) >= 2:
        return {cpus[0]}, set(cpus[1:]), f"servers pinned to CPU {cpus[0]}, load to CPU {','.join(map(str, cpus[1:]))}"
    return None, None, "not pinned"


def warn_if_busy() -> None:
    if hasattr(os, "getloadavg") and os.getloadavg()[0] > 0.5:
        print(f"warning: load average {os.getloadavg()[0]:.1f} before start: other work will skew the figures")


def game_env(tmp: Path, *, database_url: str | None = None, redis_url: str = "") -> dict[str, str]:
    """The server's environment: the embedded default (SQLite file in `tmp`, in-memory channel layer
    and buckets) unless `database_url` / `redis_url` say otherwise; the WebSocket frame limiter on,
    its thresholds raised to 1e9 (its cost measured, never its refusals); likewise the per-address
    caps a load tool on one address would hit (sign-ups, sockets not signed in yet)."""
    env = dict(os.environ)
    raised = str(float(10**9))
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "baolife.settings.local",
            "DATABASE_URL": database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
            "REDIS_URL": redis_url,  # empty: embedded default, in-memory channel layer and buckets
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "SENTRY_DSN": "",
            "WS_RATE_SOCKET_BURST": raised,
            "WS_RATE_SOCKET_PER_SECOND": raised,
            "WS_RATE_PLAYER_BURST": raised,
            "WS_RATE_PLAYER_PER_SECOND": raised,
            "SIGNUPS_PER_IP_PER_HOUR": str(10**9),
            "WS_MAX_UNAUTHENTICATED_PER_IP": str(10**9),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if redis_url:
        env["REDIS_KEY_PREFIX"] = f"bench{os.getpid()}"  # a fresh namespace: player ids restart at 1
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def throwaway_database(mysql: bool, tmp: Path) -> Iterator[dict[str, str]]:
    """The server's environment on a fresh database: SQLite in `tmp`, or (`mysql`) a new MariaDB
    database on 127.0.0.1:3306 with Redis on 127.0.0.1:6379, dropped afterwards. Migrated."""
    if not mysql:
        env = game_env(tmp)
        migrate(env)
        yield env
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import environ
    import MySQLdb
    from tick import ensure_database

    url = os.environ.get("BENCH_MYSQL_URL", f"mysql://root@127.0.0.1:3306/baolife_bench_{os.getpid()}")
    ensure_database(url)
    env = game_env(tmp, database_url=url, redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    try:
        migrate(env)
        yield env
    finally:
        cfg = environ.Env.db_url_config(url)
        conn = MySQLdb.connect(
            host=cfg["HOST"] or "127.0.0.1",
            port=int(cfg["PORT"] or 3306),
            user=cfg["USER"],
            passwd=cfg["PASSWORD"] or "",
        )
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `{cfg['NAME']}`")
        conn.close()


@contextlib.contextmanager
def own_redis() -> Iterator[str]:
    """A Redis of this run on a spare port (no persistence), stopped afterwards: the production mode's channel
    layer, cache and shared buckets, not shared with anything else on the machine."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


def mariadb_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 3306), timeout=1):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def production_env(tmp: Path, name: str = "production") -> Iterator[tuple[dict[str, str], str]]:
    """The production wiring: its own Redis, and MariaDB when it runs here (a throwaway database, dropped
    afterwards), else SQLite. Yields (the server's environment, a note saying which). Migrated."""
    with own_redis() as redis_url:
        if not mariadb_reachable():
            env = game_env(tmp, redis_url=redis_url)
            migrate(env)
            yield env, f"production: SQLite (no MariaDB on :3306) + Redis {redis_url}"
            return
        saved = {key: os.environ.get(key) for key in ("BENCH_REDIS_URL", "BENCH_MYSQL_URL")}
        os.environ["BENCH_REDIS_URL"] = redis_url
        suffix = name.replace("-", "_")  # one database per wiring of the run
        os.environ["BENCH_MYSQL_URL"] = f"mysql://root@127.0.0.1:3306/baolife_bench_{os.getpid()}_{suffix}"
        try:
            with throwaway_database(True, tmp) as env:
                yield env, f"{name}: MariaDB + Redis {redis_url}"
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def start_game(server: str, env: dict[str, str], cpus: set[int] | None) -> tuple[subprocess.Popen, int]:
    """Start a game server (a SERVERS name) on a free port, pinned to `cpus`; wait until it answers."""
    port = free_port()
    cmd = [part.replace("{port}", str(port)) for part in SERVERS[server]]
    print(f"starting {server}: {' '.join(cmd[1:])}", flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    pin(proc.pid, cpus)
    try:
        wait_http(f"http://127.0.0.1:{port}/health/live", proc)
    except BaseException:
        stop(proc)
        raise
    return proc, port


def django_setup(env: dict[str, str]) -> None:
    """Django in this process, on the server's database, to prepare rows before the server starts."""
    os.environ.update(env)
    os.environ["RUN_JOBS_IN_PROCESS"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def aged_lives(count: int, years: int) -> list[dict]:
    """`count` lives (their engine states as dicts) from the engine, aged `years` game years and alive."""
    from game import engine
    from game.services import content as content_service

    content = content_service.current()
    lives: list[dict] = []
    seed = 0
    while len(lives) < count:
        seed += 1
        state = engine.new_life(seed * 7919 + 1, (seed % 360) * engine.DAY, content)
        # as if nobody answered: decisions that would hold the clock take their defaults
        state, _ = engine.advance_settling(state, state.clock + years * engine.YEAR, content)
        if not state.dead and state.held_by is None:
            lives.append(state.to_dict())
    return lives


def sign_in_players(count: int, prefix: str) -> list[tuple[int, str]]:
    """`count` guest accounts (in-process, through the accounts service): (player id, token)."""
    from accounts.services import signup

    sessions = [signup.sign_in_device(device_id=f"{prefix}-{i:06d}") for i in range(count)]
    return [(s.player_id, s.token) for s in sessions]


def character_row(player_id: int, state: dict, now: datetime, *, active: bool = True, current: bool = True) -> Any:
    """An unsaved Character of `state` (an engine state as a dict) whose clock runs from `now`, in play for 7 days
    (`active`) or paused 30 days ago; the player's current life (`current`) for a bulk_create."""
    from game.models import Character

    return Character(
        player_id=player_id,
        current_of_id=player_id if current else None,
        name=state["name"],
        seed=state["seed"],
        state=state,
        game_clock=state["clock"],
        anchor_real=now,
        anchor_game=state["clock"],
        alive=True,
        age_years=state["age"],
        stage=state["stage"],
        active_until=now + timedelta(days=7) if active else now - timedelta(days=30),
    )


def give_life(player_id: int, state: dict, *, last_seen: datetime, anchor_game: int | None = None) -> None:
    """A life for the player through `start_life` (at `last_seen`), then set to `state` (an engine
    state as a dict): people mirrored, the clock anchored at `last_seen` to `anchor_game` (default:
    the state's clock), running until `last_seen` + GAME_OFFLINE_LIFE_DAYS."""
    from game import engine
    from game.services import life

    character = life.start_life(player_id=player_id, now=last_seen)
    before = character.state
    fields = life.apply_state(character, engine.LifeState.from_dict(state))
    character.name, character.seed = state["name"], state["seed"]
    character.anchor_game = state["clock"] if anchor_game is None else anchor_game
    character.save(update_fields=[*fields, "name", "seed", "anchor_game"])
    life.sync_people(character, before=before["people"], after=character.state["people"])


@contextlib.contextmanager
def profiled(pid: int, out: Path | None, rate: int = 250) -> Iterator[None]:
    """py-spy samples of process `pid` while the block runs, as collapsed stacks in `out` (None: off)."""
    if out is None:
        yield
        return
    spy = subprocess.Popen(
        [
            str(BIN / "py-spy"),
            "record",
            "-p",
            str(pid),
            "-r",
            str(rate),
            "-f",
            "raw",
            "--threads",
            "-o",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)  # attached before the load starts
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        try:
            spy.wait(30)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.wait()


@contextlib.contextmanager
def prepared_game(name: str, *, mysql: bool, pinned: bool, prepare: Any) -> Iterator[tuple[Any, Any, int, str]]:
    """The scaffolding of a game bench: a throwaway database, Django set up in this process,
    `prepare()` run against it, the game server started; yields (prep, server, port, cpu note)."""
    server_cpus, load_cpus, note = split_cpus(pinned)
    warn_if_busy()
    tmp = Path(tempfile.mkdtemp(prefix=f"baolife-{name}-"))
    try:
        print(f"migrating a throwaway {'MariaDB' if mysql else 'SQLite'} database ...", flush=True)
        with throwaway_database(mysql, tmp) as env:
            django_setup(env)
            pin(0, load_cpus)
            prep = prepare()
            game, port = start_game("uvicorn", env, server_cpus)
            try:
                yield prep, game, port, note
            finally:
                stop(game)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

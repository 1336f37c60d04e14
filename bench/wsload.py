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
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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

    # asyncio callbacks
    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"closed: {exc}"))
        if self.run is not None and self.run.stopped is not None and not self.closing:
            self._fail(f"connection lost: {exc}")

    closing = False

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
                self._fail(f"server closed the socket ({code})")
            return  # pong/ping: websockets answers pings itself; none are expected here
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(payload)
            return
        run = self.run
        if run is None:
            return
        now = time.perf_counter()
        if self.expect is None:
            if payload.startswith(b'{"type":"batch"'):
                return  # a push, not the reply
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
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(CLOSE_FRAME)
            self.transport.close()
        if run is not None:
            run.running -= 1
            if run.running == 0 and run.stopped is not None and not run.stopped.done():
                run.stopped.set_result(None)

    # setup
    async def handshake(self, loop: asyncio.AbstractEventLoop) -> None:
        self.waiter = loop.create_future()
        await self.waiter

    async def call(self, loop: asyncio.AbstractEventLoop, text: str) -> bytes:
        self.waiter = loop.create_future()
        self.transport.write(client_frame(text))
        payload = await self.waiter
        self.waiter = None
        return payload


async def _open(loop, host: str, port: int, path: str, token: str | None, n: int, deflate: bool) -> Conn:  # noqa: ANN001
    _, conn = await loop.create_connection(lambda: Conn(host, port, path, deflate), host, port)
    await conn.handshake(loop)
    conn.waiter = None
    if token is not None:
        reply = json.loads(await conn.call(loop, json.dumps({"type": "auth", "id": "auth", "token": token})))
        if not (reply.get("type") == "auth" and reply.get("ok") is True and reply["data"]["player"]):
            raise RuntimeError(f"auth failed: {reply}")
    text = json.dumps({"type": "ping", "id": f"p{n}"}, separators=(",", ":"))
    conn.frame = client_frame(text)
    conn.expect = None if token is not None else text.encode()
    return conn



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

def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def game_env(tmp: Path, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    raised = str(float(10**9))
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "baolife.settings.local",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "REDIS_URL": "",  # embedded default: in-memory channel layer and buckets
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "SENTRY_DSN": "",
            "WS_RATE_SOCKET_BURST": raised,
            "WS_RATE_SOCKET_PER_SECOND": raised,
            "WS_RATE_PLAYER_BURST": raised,
            "WS_RATE_PLAYER_PER_SECOND": raised,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


"""Helpers the tests of every app share (no test of its own lives here)."""

import threading
from collections.abc import Callable
from typing import Any

from asgiref.testing import ApplicationCommunicator
from django.db import connections


def run_concurrently(n: int, fn: Callable[[int], object]) -> list[object]:
    """Run fn(i) on n real threads released together; returns each result or exception."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except BaseException as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


async def asgi_http(
    app: Any,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    client: str = "127.0.0.1",
    more_body: bool = False,
) -> tuple[int, bytes]:
    """One HTTP request through the real ASGI application (one event loop, as a server process runs
    it): (status, body). `more_body` leaves the body unfinished, as a slow client does."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"testserver"), *(headers or [])], "client": (client, 51515),
        "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": more_body})
    start = await communicator.receive_output(timeout=10)
    content = b""
    while True:
        message = await communicator.receive_output(timeout=10)
        content += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait()
    return start["status"], content

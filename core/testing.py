"""Helpers the tests of every app share (no test of its own lives here)."""

import threading
from collections.abc import Callable

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

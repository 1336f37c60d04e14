"""Fixed-window counters: atomic under threads, windows that end, memory that stays bounded."""

import threading

import pytest
from django.conf import settings as django_settings

from core import counters


def test_parallel_hits_each_see_a_different_count():
    seen: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        count, _ = counters.hit("test:parallel", window=60)
        with lock:
            seen.append(count)

    threads = [threading.Thread(target=hit) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 41))


def test_release_never_goes_below_zero_and_the_window_gives_a_retry():
    count, retry = counters.hit("test:release", window=30)
    assert count == 1 and 0 < retry <= 30
    counters.release("test:release")
    counters.release("test:release")
    assert counters.hit("test:release", window=30)[0] == 1


@pytest.mark.skipif(bool(django_settings.REDIS_URL), reason="the in-process counters")
def test_ended_windows_are_forgotten(monkeypatch):
    monkeypatch.setattr(counters, "_PRUNE_ABOVE", 10)
    for i in range(50):
        counters.hit(f"test:gone:{i}", window=0)
    assert len(counters._local) <= 11

"""Long engine runs in worker processes give exactly what they give in-process, and survive a killed worker."""

import os
import signal

import pytest

from game import engine
from game.services import content as content_service
from game.services import engine_pool


@pytest.fixture
def pool(settings):
    settings.GAME_ENGINE_PROCESSES = 1
    engine_pool.shutdown()
    yield
    engine_pool.shutdown()


def _life(content: engine.Content) -> engine.LifeState:
    state = engine.new_life(4242, 0, content)
    state, _ = engine.advance_settling(state, state.clock + 20 * engine.YEAR, content)
    assert not state.dead and state.held_by is None
    return state


def _worker_pids() -> list[int]:
    pool = engine_pool._pool
    assert pool is not None
    return [p.pid for p in pool._processes.values()]  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_run_in_a_worker_is_the_run_in_process(pool):
    content = content_service.current()
    state = _life(content)
    end = state.clock + 3 * engine.YEAR
    here = engine.advance(state, state.clock, end, [], content)
    there = engine_pool.advance(state, state.clock, end, [], content)
    assert there[0].to_dict() == here[0].to_dict()
    assert [e.to_dict() for e in there[1]] == [e.to_dict() for e in here[1]]
    assert len(here[1]) > 10
    worker = _worker_pids()
    assert worker and os.getpid() not in worker  # it really ran elsewhere
    # the worker now holds this content: a second run is sent without its source and still agrees
    again = engine_pool.advance(state, state.clock, end, [], content)
    assert again[0].to_dict() == here[0].to_dict()


@pytest.mark.django_db
def test_a_killed_worker_costs_no_run(pool):
    content = content_service.current()
    state = _life(content)
    end = state.clock + engine.YEAR
    expected = engine.advance(state, state.clock, end, [], content)[0].to_dict()
    assert engine_pool.advance(state, state.clock, end, [], content)[0].to_dict() == expected
    for pid in _worker_pids():
        os.kill(pid, signal.SIGKILL)
    assert engine_pool.advance(state, state.clock, end, [], content)[0].to_dict() == expected


@pytest.mark.django_db
def test_without_workers_the_run_happens_in_process(settings):
    settings.GAME_ENGINE_PROCESSES = 0
    engine_pool.shutdown()
    content = content_service.current()
    state = _life(content)
    end = state.clock + engine.YEAR
    result = engine_pool.advance(state, state.clock, end, [], content)
    assert result[0].to_dict() == engine.advance(state, state.clock, end, [], content)[0].to_dict()
    assert engine_pool._pool is None


def test_content_rebuilt_from_its_source_is_the_same_content():
    content = content_service.validate(content_service.read_files(content_service.CONTENT_DIR))
    again = engine.Content.from_source(content.source)
    assert again.digest == content.digest
    assert set(again.events) == set(content.events)


def test_skips_run_one_at_a_time_on_one_server_thread_by_default():
    """A skip's database work holds the GIL the sockets' event loop needs: with one skip thread a ping
    beside 10 week skips stayed within 3x idle (0.8-2.6x), with two it did not (2.8-4.3x;
    docs/performance.md). The engine's years themselves run in the worker processes."""
    import threading
    import time

    from django.conf import settings

    from game import handlers

    assert settings.GAME_SKIP_THREADS == 1
    lock, running, peak = threading.Lock(), [0], [0]

    def one_skip() -> str:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return threading.current_thread().name

    names = {f.result() for f in [handlers._SKIP_THREADS.submit(one_skip) for _ in range(5)]}
    assert peak[0] == 1
    assert len(names) == 1 and names.pop().startswith("time-skip")

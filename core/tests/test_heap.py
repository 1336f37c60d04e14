"""A server settles its long-lived heap (gc.freeze) and frees replaced content when it settles again."""

import gc
import weakref

import pytest

from core import heap
from game.services import content as content_service


@pytest.fixture
def settled_process():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    heap._settled = False


def test_settle_freezes_what_is_alive(settled_process):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    heap.settle()
    assert gc.get_freeze_count() > 1000  # Django, the test modules ...
    assert gc.get_threshold()[2] == heap.FULL_PASS_EVERY  # full passes ten times rarer than Python's default


def test_a_process_that_never_settled_is_left_alone():
    assert not heap._settled
    heap.resettle()
    assert gc.get_freeze_count() == 0


@pytest.mark.django_db
def test_content_replaced_after_settling_is_freed(settled_process):
    old = content_service.current()
    gone = weakref.ref(old)
    heap.settle()  # the old content is now frozen, as in a server after start-up
    del old
    content_service.STORE._cached = ("another version", content_service.STORE._cached[1])  # a stamp moved
    content_service.current()  # rebuilt: the store settles again
    assert gone() is None  # unfrozen and collected, not kept for ever
    assert gc.get_freeze_count() > 1000


def test_a_server_starting_loads_the_content_and_settles(settled_process, settings, db):
    import sys

    from core import scheduler

    before = sys.getswitchinterval()
    try:
        scheduler._warm_up()
        assert sys.getswitchinterval() == settings.SERVER_SWITCH_INTERVAL_SECONDS
        assert heap._settled and gc.get_freeze_count() > 1000
        assert content_service.STORE._cached is not None  # loaded before the first player asks
    finally:
        sys.setswitchinterval(before)

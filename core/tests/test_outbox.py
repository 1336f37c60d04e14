"""The socket's push batching on its own (core/ws/outbox.py)."""

import asyncio

import pytest

from core.ws.outbox import Outbox

pytestmark = pytest.mark.asyncio


def outbox(sent: list[list[dict]], tasks: set, size: int = 3, delay: float = 0.05) -> Outbox:
    async def send_batch(messages: list[dict]) -> None:
        sent.append(messages)

    def spawn(coro) -> None:
        tasks.add(asyncio.get_running_loop().create_task(coro))

    return Outbox(send_batch, size=size, delay=delay, spawn=spawn)


async def test_a_full_batch_goes_at_once_and_the_rest_after_the_delay():
    sent: list[list[dict]] = []
    box = outbox(sent, set())
    for i in range(4):
        await box.push({"n": i})
    assert sent == [[{"n": 0}, {"n": 1}, {"n": 2}]]
    await asyncio.sleep(0.12)
    assert sent == [[{"n": 0}, {"n": 1}, {"n": 2}], [{"n": 3}]]


async def test_held_pushes_wait_and_come_back_in_order():
    sent: list[list[dict]] = []
    box = outbox(sent, set())
    box.hold()
    await box.push({"n": 1})
    await box.push({"n": 2})
    await asyncio.sleep(0.08)
    assert sent == []  # nothing leaves while held
    assert box.release() == [{"n": 1}, {"n": 2}]
    await box.push({"n": 3})
    await box.flush()
    assert sent == [[{"n": 3}]]


async def test_flush_sends_what_waits_and_cancels_the_timer():
    sent: list[list[dict]] = []
    box = outbox(sent, set())
    await box.push({"n": 1})
    await box.flush()
    await asyncio.sleep(0.08)
    assert sent == [[{"n": 1}]]  # once, not again when the timer would have fired
    await box.flush()
    assert sent == [[{"n": 1}]]

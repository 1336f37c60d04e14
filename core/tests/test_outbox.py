"""The socket's push batching on its own (core/ws/outbox.py): batches, holding, and the bound on a client
that does not read."""

import asyncio

import pytest

from core.ws.outbox import Outbox

pytestmark = pytest.mark.asyncio


def outbox(
    sent: list[list[dict]],
    tasks: set,
    size: int = 3,
    delay: float = 0.05,
    *,
    limit: int = 1000,
    gate: asyncio.Event | None = None,
    lost: list | None = None,
) -> Outbox:
    async def send_batch(messages: list[dict]) -> None:
        if gate is not None:
            await gate.wait()  # a client that does not read: the server's send waits
        sent.append(messages)

    def spawn(coro) -> None:
        tasks.add(asyncio.get_running_loop().create_task(coro))

    return Outbox(
        send_batch, size=size, delay=delay, spawn=spawn, limit=limit, overflow=None if lost is None else lost.append
    )


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_full_batch_goes_at_once_and_the_rest_after_the_delay():
    sent: list[list[dict]] = []
    box = outbox(sent, set())
    for i in range(3):
        box.push({"n": i})
    await settle()
    box.push({"n": 3})
    await settle()
    assert sent == [[{"n": 0}, {"n": 1}, {"n": 2}]]
    await asyncio.sleep(0.12)
    assert sent == [[{"n": 0}, {"n": 1}, {"n": 2}], [{"n": 3}]]


async def test_held_pushes_wait_and_come_back_in_order():
    sent: list[list[dict]] = []
    box = outbox(sent, set())
    box.hold()
    box.push({"n": 1})
    box.push({"n": 2})
    await asyncio.sleep(0.08)
    assert sent == []  # nothing leaves while held
    assert box.release() == [{"n": 1}, {"n": 2}]
    box.push({"n": 3})
    await box.flush()
    assert sent == [[{"n": 3}]]


async def test_flush_sends_what_waits_and_cancels_the_timer():
    sent: list[list[dict]] = []
    box = outbox(sent, set())
    box.push({"n": 1})
    await box.flush()
    await asyncio.sleep(0.08)
    assert sent == [[{"n": 1}]]  # once, not again when the timer would have fired
    await box.flush()
    assert sent == [[{"n": 1}]]


async def test_flush_sends_in_frames_of_the_batch_size():
    sent: list[list[dict]] = []
    box = outbox(sent, set(), size=2)
    box.hold()
    for i in range(5):
        box.push({"n": i})
    box.pending = box.release()
    await box.flush()
    assert [len(frame) for frame in sent] == [2, 2, 1]
    assert [m["n"] for frame in sent for m in frame] == [0, 1, 2, 3, 4]


async def test_pushes_never_wait_for_a_blocked_send_and_keep_their_order():
    sent: list[list[dict]] = []
    gate = asyncio.Event()
    box = outbox(sent, set(), gate=gate)
    for i in range(3):
        box.push({"n": i})  # a full batch: its send starts and waits for the client
    await settle()
    assert box.sending == [{"n": 0}, {"n": 1}, {"n": 2}]  # its send under way, waiting for the client
    for i in range(3, 8):
        box.push({"n": i})  # returns at once although the send under way still waits
    assert sent == []
    gate.set()
    await asyncio.sleep(0.01)
    assert [m["n"] for frame in sent for m in frame] == list(range(8))
    assert box.sending is None


async def test_over_the_limit_the_outbox_gives_up_once_and_hands_over_everything_undelivered():
    sent: list[list[dict]] = []
    lost: list[list[dict]] = []
    box = outbox(sent, set(), gate=asyncio.Event(), limit=10, lost=lost)
    for i in range(3):
        box.push({"n": i})
    await settle()  # a full batch: its send starts and waits for the client
    for i in range(3, 40):
        box.push({"n": i})
    assert len(lost) == 1  # called once
    # the batch whose send waits, then what was waiting behind it, in order
    assert [m["n"] for m in lost[0]] == list(range(14))
    assert box.pending == [] and box.overflowed
    box.push({"n": 99})
    assert box.pending == [] and len(lost) == 1


async def test_the_bound_counts_held_pushes_too():
    lost: list[list[dict]] = []
    box = outbox([], set(), gate=asyncio.Event(), limit=5, lost=lost)
    for i in range(3):
        box.push({"n": i})
    await settle()  # a send waits for the client
    box.hold()
    for i in range(3, 9):
        box.push({"n": i})
    assert [m["n"] for m in lost[0]] == list(range(9))
    assert box.release() == []


async def test_a_burst_bigger_than_the_limit_is_no_slow_client():
    sent: list[list[dict]] = []
    lost: list[list[dict]] = []
    box = outbox(sent, set(), limit=10, lost=lost)
    for i in range(50):  # one layer message of 50 pushes, in one turn of the loop: the client had no chance yet
        box.push({"n": i})
    await asyncio.sleep(0.01)
    assert lost == []
    assert [m["n"] for frame in sent for m in frame] == list(range(50))


async def test_send_first_lets_nothing_live_overtake_the_kept_pushes():
    sent: list[list[dict]] = []
    box: Outbox

    async def send_batch(messages: list[dict]) -> None:
        sent.append(messages)
        if len(sent) == 1:
            box.push({"n": "live-1"})  # arrives while the kept ones go out
        await asyncio.sleep(0)

    def spawn(coro) -> None:
        asyncio.get_running_loop().create_task(coro)

    box = Outbox(send_batch, size=2, delay=0.01, spawn=spawn)
    box.hold()
    box.push({"n": "held"})  # came during the sign-in itself
    await box.send_first([{"n": 1}, {"n": 2}, {"n": 3}])
    box.push({"n": "live-2"})
    await box.flush()
    assert [m["n"] for frame in sent for m in frame] == [1, 2, 3, "held", "live-1", "live-2"]
    assert box.held is None

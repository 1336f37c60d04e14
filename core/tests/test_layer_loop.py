"""The socket's layer loop: an idle read timeout is no failure (no warning, no back-off, groups kept)."""

import asyncio
import logging

import pytest
import redis

from core.ws.consumer import LiveConsumer


class _IdleThenPush:
    """A channel layer whose reads time out twice (as redis-py 8's do on an idle socket), then deliver."""

    def __init__(self) -> None:
        self.reads = 0

    async def receive(self, channel: str) -> dict:
        self.reads += 1
        if self.reads <= 2:
            raise redis.exceptions.TimeoutError("Timeout reading from socket")
        if self.reads == 3:
            return {"type": "push", "push": {"type": "u", "energy": 1}}
        await asyncio.sleep(3600)
        return {}

    async def group_add(self, group: str, channel: str) -> None:  # pragma: no cover - must not be called
        raise AssertionError("an idle timeout must not re-join groups")


@pytest.mark.asyncio
async def test_idle_read_timeouts_are_not_failures(caplog):
    consumer = LiveConsumer.__new__(LiveConsumer)
    consumer.layer, consumer.channel_name, consumer.ended, consumer.groups = _IdleThenPush(), "c1", False, ["g"]
    pushed: list[dict] = []

    async def push(message: dict) -> None:
        pushed.append(message)

    consumer._push = push  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, logger="baolife.ws"):
        task = asyncio.create_task(consumer._layer_loop())
        for _ in range(50):
            if pushed:
                break
            await asyncio.sleep(0.01)
        task.cancel()
    assert pushed == [{"type": "u", "energy": 1}]
    assert not [r for r in caplog.records if "receive failed" in r.getMessage()]

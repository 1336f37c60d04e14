"""The embedded default's layer sweeps expired messages at most once a second, and still sweeps them."""

import asyncio
import time

import pytest

from core.ws import memory_layer
from core.ws.memory_layer import SweepingInMemoryChannelLayer


async def _stale_and_fresh(layer: SweepingInMemoryChannelLayer) -> None:
    await layer.send("stale", {"type": "x"})
    await layer.group_add("everyone", "fresh")
    await asyncio.sleep(0.05)  # "stale"'s message is now past the layer's expiry


def test_the_sweep_runs_at_most_once_per_interval_and_removes_expired_messages(monkeypatch):
    async def scenario() -> tuple[bool, bool]:
        layer = SweepingInMemoryChannelLayer(expiry=0.01)
        monkeypatch.setattr(memory_layer, "SWEEP_EVERY_SECONDS", 0.2)
        layer._next_sweep = time.monotonic() + 0.2  # a sweep has just run
        await _stale_and_fresh(layer)
        await layer.group_send("everyone", {"type": "y"})  # within the interval: no sweep
        kept_within = "stale" in layer.channels
        await asyncio.sleep(0.2)
        await layer.group_send("everyone", {"type": "y"})  # the interval has passed: the sweep runs
        return kept_within, "stale" in layer.channels

    kept_within, kept_after = asyncio.run(scenario())
    assert kept_within  # a group_send no longer walks every channel
    assert not kept_after  # expired messages still go


def test_it_is_the_embedded_defaults_layer(settings):
    from baolife.settings.integrations import channel_layers

    assert channel_layers("")["default"]["BACKEND"] == "core.ws.memory_layer.SweepingInMemoryChannelLayer"


@pytest.mark.parametrize("channels", [1, 50])
def test_group_send_still_reaches_every_member(channels):
    async def scenario() -> list[dict]:
        layer = SweepingInMemoryChannelLayer()
        for i in range(channels):
            await layer.group_add("g", f"c{i}")
        await layer.group_send("g", {"type": "hello"})
        return [await layer.receive(f"c{i}") for i in range(channels)]

    assert asyncio.run(scenario()) == [{"type": "hello"}] * channels

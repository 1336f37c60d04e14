"""Many groups' messages at once (core/layer_batch.py), against each real layer: every member of every group
gets its messages, in order."""

import asyncio

import pytest
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings as django_settings

from core.layer_batch import group_send_many
from core.ws.memory_layer import SweepingInMemoryChannelLayer

pytestmark = pytest.mark.asyncio


def layers() -> list:
    made = [pytest.param(lambda: SweepingInMemoryChannelLayer(), id="memory")]
    redis = pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
    prefix = f"{django_settings.REDIS_KEY_PREFIX}:batch"
    hosts = [django_settings.REDIS_URL or "redis://127.0.0.1:6379/0"]
    made.append(
        pytest.param(lambda: RedisChannelLayer(hosts=hosts, prefix=prefix, capacity=1500), id="core", marks=redis)
    )
    made.append(pytest.param(lambda: RedisPubSubChannelLayer(hosts=hosts, prefix=prefix), id="pubsub", marks=redis))
    return made


@pytest.mark.parametrize("make", layers())
async def test_every_member_gets_its_groups_messages_in_order(make):
    layer = make()
    members: dict[str, list[str]] = {}
    for g in range(60):
        group = f"player.{g}"
        members[group] = [await layer.new_channel() for _ in range(1 + g % 3)]  # some players on 2 or 3 sockets
        for channel in members[group]:
            await layer.group_add(group, channel)
    plan = {
        group: [{"type": "pushes", "pushes": [{"n": n, "g": group}]} for n in range(3)] + [{"type": "close"}]
        for group in members
    }
    await group_send_many(layer, plan)
    for group, channels in members.items():
        for channel in channels:
            got = [await asyncio.wait_for(layer.receive(channel), timeout=5) for _ in range(4)]
            assert got == plan[group]
    if hasattr(layer, "flush"):
        await layer.flush()


async def test_a_layer_that_fails_loses_the_batch_without_raising(caplog):
    class Down:
        async def group_send(self, group, message):
            raise ConnectionError("down")

    await group_send_many(Down(), {"player.1": [{"type": "close"}], "player.2": [{"type": "close"}]})
    assert sum("lost" in r.getMessage() for r in caplog.records) == 2

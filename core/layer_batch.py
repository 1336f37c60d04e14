"""Many groups' messages through the channel layer at once (the tick pushes to every player in play).

channels-redis sends one group at a time: its pub/sub layer publishes each message on its own under a lock
(a Redis round trip and ~0.5 ms of a worker's CPU each: 5,000 players took ~3 s of a 10 s tick), its core
layer makes four round trips per group. For the pub/sub layer this module pipelines every message of a batch
into one round trip per shard, exactly as `group_send` would publish each (same channel names, same
serialisation, same per-shard lock); for any other layer it sends the groups side by side. Messages to one
group keep their order either way. Relies on channels-redis 4.3's pub/sub internals (pinned in
requirements.txt; core/tests/test_layer_batch.py runs it against a real Redis).
"""

import asyncio
import logging
from collections import defaultdict
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer

logger = logging.getLogger("baolife.pushes")
SEND_CONCURRENCY = 32  # groups handed to a layer without a batch path at once


async def group_send_many(layer: Any, plan: dict[str, list[dict[str, Any]]]) -> None:
    """Send each group's messages, in order; never raises (a lost batch is logged with its size)."""
    if isinstance(layer, RedisPubSubChannelLayer):
        await _publish_pipelined(layer, plan)
        return
    limit = asyncio.Semaphore(SEND_CONCURRENCY)

    async def bounded(group: str, queue: list[dict[str, Any]]) -> None:
        async with limit:
            await send_in_order(layer, group, queue)

    await asyncio.gather(*(bounded(group, queue) for group, queue in plan.items()))


async def send_in_order(layer: Any, group: str, queue: list[dict[str, Any]]) -> None:
    for message in queue:
        try:
            await layer.group_send(group, message)
        except Exception as exc:
            logger.warning("push to %s lost: %s", group, type(exc).__name__)


async def _publish_pipelined(layer: RedisPubSubChannelLayer, plan: dict[str, list[dict[str, Any]]]) -> None:
    loop_layer = layer._get_layer()
    by_shard: dict[Any, list[tuple[str, bytes]]] = defaultdict(list)
    for group, queue in plan.items():
        channel = loop_layer._get_group_channel_name(group)
        shard = loop_layer._get_shard(channel)
        by_shard[shard].extend((channel, layer.serialize(message)) for message in queue)
    for shard, items in by_shard.items():
        try:
            async with shard._lock:
                shard._ensure_redis()
                pipe = shard._redis.pipeline(transaction=False)
                for channel, payload in items:
                    pipe.publish(channel, payload)
                await pipe.execute()
        except Exception as exc:
            logger.warning("%d pushes lost: %s", len(items), type(exc).__name__)

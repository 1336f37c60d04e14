"""The process's heartbeat over its open sockets (every WS_HEARTBEAT_SECONDS).

Closing a socket on logout or ban, and every push, travel through the channel layer. If Redis
restarts, the layer forgets every group and a close sent while it was down is lost. So, once per
beat, for all sockets of the process at once:
- sign-ins that ended (banned player, revoked or expired token) are found in two queries and
  their sockets closed with 4003;
- a socket whose reply or pushes have waited WS_SEND_STALL_SECONDS for a client that does not read is
  dropped (the outbox drops it sooner once WS_OUTBOX_LIMIT pushes wait);
- if Redis came back empty, every socket joins its groups again; a socket that joined more than an hour ago
  joins again (the layer's group membership expires after a day);
- the socket count and presence are re-published.
The loop runs on the event loop of the sockets, from the first socket on; no lifespan needed.
"""

import asyncio
import contextlib
import logging
import weakref
from time import monotonic
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings

from core import connections, presence
from core import redis as shared_redis
from core.reporting import report_exception

logger = logging.getLogger("baolife.ws")
GROUP_REFRESH_SECONDS = 3600.0  # well inside the layer's group expiry (baolife/settings/integrations.py)


class SocketWatch:
    def __init__(self) -> None:
        self.sockets: weakref.WeakSet[Any] = weakref.WeakSet()
        self.task: asyncio.Task | None = None

    def add(self, consumer: Any) -> None:
        self.sockets.add(consumer)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._loop())

    def discard(self, consumer: Any) -> None:
        self.sockets.discard(consumer)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(settings.WS_HEARTBEAT_SECONDS)
            if not self.sockets:
                self.task = None
                await self._publish_counts()
                return
            try:
                await self.beat()
            except Exception as exc:
                report_exception(exc, player_id=None, where="ws:heartbeat")

    async def _refresh_groups(self, signed: list[Any], now: float) -> None:
        """The core channel layer forgets a group member after its group expiry (a day): a socket open that
        long would stop getting pushes. Sockets that joined more than GROUP_REFRESH_SECONDS ago join again."""
        for consumer in signed:
            if consumer.groups and now - consumer.joined_at > GROUP_REFRESH_SECONDS:
                try:
                    await consumer.rejoin_groups()
                except Exception as exc:
                    logger.warning("heartbeat: groups not refreshed (%s)", type(exc).__name__)
                    return  # the next beat tries again

    async def _publish_counts(self) -> None:
        """This process's socket count and its players' presence, re-published. Also once more when the last
        socket has closed, or the last beat's figures would stand until they go stale (docs/performance.md)."""
        try:
            await sync_to_async(connections.heartbeat)()
            await sync_to_async(presence.refresh_local)()
        except Exception as exc:
            logger.warning("heartbeat: presence not refreshed (%s)", type(exc).__name__)

    async def beat(self) -> None:
        """One round; each step on its own, so a dependency down skips its step, not the others."""
        now, stall = monotonic(), settings.WS_SEND_STALL_SECONDS
        for consumer in list(self.sockets):  # closed ones too: a close frame may be what waits
            if not consumer.ended and consumer.stalled_for(now) > stall:
                consumer.drop("stalled")
        consumers = [c for c in list(self.sockets) if not c.closed]
        signed = [c for c in consumers if c.ctx is not None]
        await self._refresh_groups(signed, now)
        if signed:
            by_session: dict[Any, list[Any]] = {}
            for consumer in signed:  # in practice one session (the game's); grouped to ask each once
                by_session.setdefault(consumer.session, []).append(consumer)
            for session, group in by_session.items():
                held = [(c.ctx.player_id, c.ctx.token_id) for c in group]
                try:
                    ended = await database_sync_to_async(session.ended_sessions)(sessions=held)
                except Exception as exc:
                    logger.warning("heartbeat: sign-ins not re-checked (%s)", type(exc).__name__)
                    ended = set()
                for consumer in group:
                    if (consumer.ctx.player_id, consumer.ctx.token_id) in ended:
                        consumer.end_session(4003)
        if not shared_redis.client():
            return
        try:
            lost = await sync_to_async(shared_redis.restarted_empty)()
        except Exception as exc:
            shared_redis.mark_down()
            logger.warning("heartbeat: Redis unreachable (%s)", type(exc).__name__)
            return
        shared_redis.mark_up()
        if lost:
            for consumer in consumers:
                if consumer.closed:
                    continue
                try:
                    await consumer.rejoin_groups()
                except Exception as exc:
                    logger.warning("heartbeat: re-joining groups failed (%s)", type(exc).__name__)
                    with contextlib.suppress(Exception):  # then the next beat re-joins every socket again
                        await sync_to_async(shared_redis.forget_alive)()
                    break
        await self._publish_counts()


watch = SocketWatch()

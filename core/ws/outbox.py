"""A socket's pushes, batched and bounded: out when `size` wait, or `delay` seconds after the first, whichever
comes first (docs/protocol.md, "Pushes: always batched"); held back, in order, while a sign-in sends its reply
and the offline queue first. No I/O of its own: it calls `send_batch`.

Taking a push never waits for the network: the socket's layer loop hands pushes over and goes back to the
channel layer at once, and one send runs at a time. A client that stops reading blocks that send (the
server's write buffer is full); pushes then wait here, and once more than `limit` wait during a send the
outbox calls `overflow` with everything undelivered (the consumer drops the connection and keeps it for the
player's next sign-in) instead of growing without bound (docs/performance.md,
"Pushes at scale").
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class Outbox:
    __slots__ = (
        "delay",
        "held",
        "limit",
        "lock",
        "overflow",
        "overflowed",
        "pending",
        "send_batch",
        "sending",
        "size",
        "spawn",
        "timer",
    )

    def __init__(
        self,
        send_batch: Callable[[list[dict[str, Any]]], Awaitable[None]],
        *,
        size: int,
        delay: float,
        spawn: Callable[[Any], None],
        limit: int = 1000,
        overflow: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> None:
        self.send_batch = send_batch
        self.size = size
        self.delay = delay
        self.spawn = spawn  # runs a coroutine as the socket's own task (cancelled with the socket)
        self.limit = limit
        self.overflow = overflow  # given the pushes that will never be sent, once
        self.overflowed = False
        self.pending: list[dict[str, Any]] = []
        self.held: list[dict[str, Any]] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.lock = asyncio.Lock()  # one send at a time: batches keep their order
        self.sending: list[dict[str, Any]] | None = None  # the batch whose send is under way

    def hold(self) -> None:
        """Keep new pushes back (a sign-in is under way: its reply and the kept pushes go first)."""
        self.held = []

    def release(self) -> list[dict[str, Any]]:
        """Stop holding; the pushes held meanwhile, oldest first, for the caller to push in order."""
        held, self.held = self.held or [], None
        return held

    def push(self, push: dict[str, Any]) -> None:
        """Take a push; never waits. Once more than `limit` wait while a send is under way (the client has had
        its chance to read), the outbox gives up (`overflow`) and keeps nothing."""
        if self.overflowed:
            return
        waiting = self.pending if self.held is None else self.held
        waiting.append(push)
        if self.lock.locked() and len(self.pending) + len(self.held or ()) > self.limit:
            self._give_up()
            return
        if self.held is not None:
            return
        if len(self.pending) >= self.size:
            if not self.lock.locked():  # else the send under way takes them when it is done
                self.cancel()
                self.spawn(self.flush())
        elif self.timer is None and not self.lock.locked():
            self.timer = asyncio.get_running_loop().call_later(self.delay, self._due)

    def _due(self) -> None:
        self.timer = None
        self.spawn(self.flush())

    def undelivered(self) -> list[dict[str, Any]]:
        """What never reached the client, oldest first: the batch whose send waits, then the waiting pushes."""
        return (self.sending or []) + self.pending + (self.held or [])

    def _give_up(self) -> None:
        self.overflowed = True
        self.cancel()
        lost = self.undelivered()
        self.pending, self.held = [], None if self.held is None else []
        if self.overflow is not None:
            self.overflow(lost)

    async def _send(self, messages: list[dict[str, Any]]) -> None:
        self.sending = messages
        try:
            await self.send_batch(messages)
        finally:
            self.sending = None

    async def flush(self) -> None:
        """Send everything waiting, `size` pushes per frame, after any send under way."""
        self.cancel()
        async with self.lock:
            while self.pending and not self.overflowed:
                messages, self.pending = self.pending[: self.size], self.pending[self.size :]
                await self._send(messages)

    async def send_first(self, first: list[dict[str, Any]]) -> None:
        """While holding (a sign-in): send `first` (what was kept while the player was away), then what was held
        meanwhile, round after round, and stop holding once a round held nothing: nothing live overtakes them."""
        batch = first
        while not self.overflowed:
            async with self.lock:
                for start in range(0, len(batch), self.size):
                    await self._send(batch[start : start + self.size])
                    if self.overflowed:
                        return
            batch = self.held or []
            if not batch:
                self.held = None  # no await since the check: later pushes queue behind these
                return
            self.held = []

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

"""A socket's pushes, batched: out when `size` wait, or `delay` seconds after the first, whichever
comes first (docs/protocol.md, "Pushes: always batched"); held back, in order, while a sign-in
sends its reply and the offline queue first. No I/O of its own: it calls `send_batch`.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class Outbox:
    __slots__ = ("delay", "held", "pending", "send_batch", "size", "spawn", "timer")

    def __init__(
        self,
        send_batch: Callable[[list[dict[str, Any]]], Awaitable[None]],
        *,
        size: int,
        delay: float,
        spawn: Callable[[Any], None],
    ) -> None:
        self.send_batch = send_batch
        self.size = size
        self.delay = delay
        self.spawn = spawn  # runs a coroutine as the socket's own task (cancelled with the socket)
        self.pending: list[dict[str, Any]] = []
        self.held: list[dict[str, Any]] | None = None
        self.timer: asyncio.TimerHandle | None = None

    def hold(self) -> None:
        """Keep new pushes back (a sign-in is under way: its reply and the kept pushes go first)."""
        self.held = []

    def release(self) -> list[dict[str, Any]]:
        """Stop holding; the pushes held meanwhile, oldest first, for the caller to push in order."""
        held, self.held = self.held or [], None
        return held

    async def push(self, push: dict[str, Any]) -> None:
        if self.held is not None:
            self.held.append(push)
            return
        self.pending.append(push)
        if len(self.pending) >= self.size:
            await self.flush()
        elif self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(self.delay, lambda: self.spawn(self.flush()))

    async def flush(self) -> None:
        self.cancel()
        if self.pending:
            messages, self.pending = self.pending, []
            await self.send_batch(messages)

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

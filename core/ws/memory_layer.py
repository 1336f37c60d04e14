"""The embedded default's channel layer: Channels' in-memory layer, with its expiry sweep throttled.

`InMemoryChannelLayer` sweeps every channel and every group for expired messages on each `receive`
and each `group_send`. With N sockets that makes a tick's N pushes cost N² steps on the event loop
(300 players: ~60 ms in which no socket is answered). Messages expire after a minute and group
memberships after a day, so sweeping at most once a second changes nothing a player can see.
"""

import time

from channels.layers import InMemoryChannelLayer

SWEEP_EVERY_SECONDS = 1.0


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    """`InMemoryChannelLayer` whose expiry sweep runs at most once per `SWEEP_EVERY_SECONDS`."""

    _next_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_EVERY_SECONDS
        super()._clean_expired()

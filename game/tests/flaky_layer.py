"""A channel layer whose first receive fails, as channels-redis does when Redis times out."""

from channels.layers import InMemoryChannelLayer


class FlakyOnceLayer(InMemoryChannelLayer):
    failed = 0

    async def receive(self, channel: str) -> dict:
        if FlakyOnceLayer.failed < 1:
            FlakyOnceLayer.failed += 1
            raise TimeoutError("Timeout reading from 127.0.0.1:6379")
        return await super().receive(channel)

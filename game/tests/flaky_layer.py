"""A channel layer whose first receive fails, as channels-redis does when Redis times out."""

from channels.layers import InMemoryChannelLayer


class FlakyOnceLayer(InMemoryChannelLayer):
    failed = 0

    async def receive(self, channel: str) -> dict:
        if FlakyOnceLayer.failed < 1:
            FlakyOnceLayer.failed += 1
            raise TimeoutError("Timeout reading from 127.0.0.1:6379")
        return await super().receive(channel)


class BrokenSendLayer(InMemoryChannelLayer):
    """group_send always fails, as when Redis is down right after a commit."""

    async def group_send(self, group: str, message: dict) -> None:
        raise ConnectionError("Redis went away")

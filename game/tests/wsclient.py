"""A small client over WebsocketCommunicator for consumer tests."""

import json
from typing import Any

from channels.testing import WebsocketCommunicator


class Client:
    def __init__(self, app: Any, *, headers: list | None = None) -> None:
        self.comm = WebsocketCommunicator(app, "/ws/play/", headers=headers or [])
        self.pushes: list[dict] = []

    async def connect(self) -> bool:
        connected, _ = await self.comm.connect()
        return connected

    async def send(self, frame: Any) -> None:
        await self.comm.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 2) -> dict:
        """The next reply (not a push); pushes met on the way are kept in `self.pushes`."""
        while True:
            message = json.loads(await self.comm.receive_from(timeout=timeout))
            if message.get("type") == "batch":
                self.pushes.extend(message["messages"])
                continue
            return message

    async def recv_raw(self, timeout: float = 2) -> dict:
        return json.loads(await self.comm.receive_from(timeout=timeout))

    async def request(self, verb: str, rid: str = "r1", **params: Any) -> dict:
        await self.send({"type": verb, "id": rid, **params})
        return await self.recv()

    async def auth(self, token: str) -> dict:
        reply = await self.request("auth", rid="auth", token=token)
        assert reply["ok"], reply
        return reply

    async def close(self) -> None:
        await self.comm.disconnect()


async def signed_in(app: Any, token: str) -> Client:
    client = Client(app)
    assert await client.connect()
    await client.auth(token)
    return client

"""Handshake origin check: browsers must come from an allowed origin; native apps send none."""

from typing import Any

from django.conf import settings


class OriginCheck:
    """Refuse the WebSocket handshake (403) from origins outside WS_ALLOWED_ORIGINS.

    A missing `Origin` header (native iOS client) passes when WS_ALLOW_MISSING_ORIGIN is on.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket" and not self.allowed(scope):
            message = await receive()  # websocket.connect
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": 4403})
            return
        await self.app(scope, receive, send)

    @staticmethod
    def allowed(scope: dict) -> bool:
        origin = next((v.decode("latin1") for k, v in scope.get("headers", []) if k == b"origin"), None)
        if origin is None:
            return settings.WS_ALLOW_MISSING_ORIGIN
        allowed = settings.WS_ALLOWED_ORIGINS
        return "*" in allowed or origin.rstrip("/") in allowed

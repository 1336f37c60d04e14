"""Refuse an API request whose declared body is too large before reading a byte of it.

Django reads the whole body before a view runs: a client declaring 3 MB and sending 2 bytes held
a connection (and a worker's attention) until it gave up. Under `/api/` a `Content-Length` above
API_MAX_BODY_BYTES is answered 413 at once, in the protocol's error shape.
"""

import json
from typing import Any

from django.conf import settings

from core.errors import error_payload


class ApiBodyLimit:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/") and self._too_large(scope):
            limit = settings.API_MAX_BODY_BYTES
            body = json.dumps({"error": error_payload("bad_request", f"The body is larger than {limit} bytes.")})
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
                }
            )
            await send({"type": "http.response.body", "body": body.encode()})
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _too_large(scope: dict) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    return int(value) > settings.API_MAX_BODY_BYTES
                except ValueError:
                    return False
        return False

"""The WebSocket verb registry: each app declares its verbs in its own `handlers.py`.

The consumer knows no verb; it looks the frame's `type` up here, validates the
parameters with the verb's pydantic model and calls the handler.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from pydantic import BaseModel, ConfigDict

from core.dbretry import retry_on_deadlock
from core.discovery import import_from_every_app
from core.requestscope import scoped


class Params(BaseModel):
    """Base of every verb's parameter model: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class NoParams(Params):
    pass


@dataclass(frozen=True)
class Context:
    """Who is asking: the authenticated player and the socket's token (None for a session cookie)."""

    player_id: int
    token_id: int | None = None


Handler = Callable[[Context, Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Verb:
    name: str
    model: type[Params]
    call: Handler
    blank: Params | None = None  # the one valid instance of a model without fields
    checks_session: bool = False  # re-check the sign-in (ban, logout) before every call: it moves diamonds
    module: str = ""  # where the handler lives (the generated docs name its app)
    during_grace: bool = False  # allowed to an account waiting for deletion (docs/privacy.md)
    ends_grace: bool = False  # its success ends the socket's grace restrictions (the deletion was cancelled)
    closes_after_reply: str = ""  # its success ends the account's sign-ins: the socket closes (4003, this reason)

    def __post_init__(self) -> None:
        if self.blank is None and not self.model.model_fields:
            object.__setattr__(self, "blank", self.model())


REGISTRY: dict[str, Verb] = {}


def verb(
    name: str,
    model: type[Params] = NoParams,
    *,
    is_async: bool = False,
    moves_diamonds: bool = False,
    during_grace: bool = False,
    ends_grace: bool = False,
    closes_after_reply: str = "",
) -> Callable:
    """Register a handler `fn(ctx, params) -> data`.

    Handlers are plain sync functions that call services (run in Django's database thread);
    `is_async=True` marks a handler that touches no database and runs on the event loop.
    `moves_diamonds=True`: the socket's sign-in is checked against the database before each call,
    so a ban or logout whose close push was lost (Redis down) still stops it.
    `during_grace=True`: a socket of an account waiting for deletion may call it (others answer `forbidden`);
    `ends_grace=True`: its success lifts that restriction from the socket.
    `closes_after_reply="reason"`: its success ends the account's sign-ins (a deletion): the reply goes out,
    then this socket closes with 4003 by itself, so a close push lost with Redis down does not leave it open;
    a close pushed while it runs waits for the reply.
    """

    def register(fn: Callable) -> Callable:
        if name in REGISTRY:
            raise RuntimeError(f"verb {name!r} registered twice")
        # each call one request: what it reads several times (experiment variants) is read once
        call = fn if is_async else database_sync_to_async(retry_on_deadlock(scoped(fn)))
        REGISTRY[name] = Verb(
            name=name,
            model=model,
            call=call,
            checks_session=moves_diamonds,
            module=fn.__module__,
            during_grace=during_grace or ends_grace,
            ends_grace=ends_grace,
            closes_after_reply=closes_after_reply,
        )
        return fn

    return register


def load_all() -> dict[str, Verb]:
    """Import every installed app's `handlers` module once, so their verbs register."""
    import_from_every_app("handlers")
    return REGISTRY


def json_schema() -> dict[str, Any]:
    """JSON Schema of every verb's parameters, generated from the models (GET /api/protocol.json)."""
    verbs = load_all()
    return {
        "protocol": "baolife-ws/1",
        "envelope": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string"}, "id": {"type": "string", "maxLength": 64}},
        },
        "verbs": {name: verbs[name].model.model_json_schema() for name in sorted(verbs)},
    }

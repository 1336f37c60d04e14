"""The game's WebSocket verbs."""

from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from core.errors import GameError
from core.verbs import Context, NoParams, Params, verb
from game import selectors


class AuthParams(Params):
    token: str = Field(min_length=1, max_length=256)


@verb("auth", AuthParams, is_async=True)
async def auth(ctx: Context, params: AuthParams) -> dict[str, Any]:
    """Signing in happens before any verb; a second `auth` on a signed-in socket is refused."""
    raise GameError("conflict", "This socket is already signed in.")


@verb("ping", NoParams, is_async=True)
async def ping(ctx: Context, params: NoParams) -> dict[str, Any]:
    return {"server_time": datetime.now(UTC).isoformat()}


@verb("get_state", NoParams)
def get_state(ctx: Context, params: NoParams) -> dict[str, Any]:
    return selectors.player_object(ctx.player_id)

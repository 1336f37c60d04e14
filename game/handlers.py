"""The game's WebSocket verbs: thin, each calls one service."""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field

from core.errors import GameError
from core.verbs import Context, NoParams, Params, verb
from game import selectors
from game.services import actions, purchases

IdempotencyKey = Field(default=None, min_length=1, max_length=128)


class EnergyRefillParams(Params):
    refill_type: Literal["small", "medium", "full", "unlimited"]
    idempotency_key: str | None = IdempotencyKey


class TimeSkipParams(Params):
    skip_type: Literal["hour", "day", "week", "next_event"]
    idempotency_key: str | None = IdempotencyKey


class AuthParams(Params):
    token: str = Field(min_length=1, max_length=256)


class ActivityParams(Params):
    activity: str = Field(min_length=1, max_length=64)
    target: str | None = Field(default=None, min_length=1, max_length=64, description="a person id, for some")


class ChooseParams(Params):
    event_id: str = Field(min_length=1, max_length=64)
    choice: str = Field(min_length=1, max_length=64)


class TalkParams(Params):
    person_id: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=500)


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


@verb("do_activity", ActivityParams)
def do_activity(ctx: Context, params: ActivityParams) -> dict[str, Any]:
    return actions.do_activity(player_id=ctx.player_id, activity=params.activity, target=params.target)


@verb("choose", ChooseParams)
def choose(ctx: Context, params: ChooseParams) -> dict[str, Any]:
    return actions.choose(player_id=ctx.player_id, event_id=params.event_id, choice=params.choice)


@verb("talk", TalkParams)
def talk(ctx: Context, params: TalkParams) -> dict[str, Any]:
    return actions.talk(player_id=ctx.player_id, person_id=params.person_id, text=params.text)


@verb("start_new_life", NoParams)
def start_new_life(ctx: Context, params: NoParams) -> dict[str, Any]:
    """Not in PROTOCOL.md v1: after a death the player needs a way to begin again (docs/protocol.md)."""
    return actions.start_new_life(player_id=ctx.player_id)


@verb("purchase_energy_refill", EnergyRefillParams, moves_diamonds=True)
def purchase_energy_refill(ctx: Context, params: EnergyRefillParams) -> dict[str, Any]:
    return purchases.purchase_energy_refill(
        player_id=ctx.player_id, refill_type=params.refill_type, idempotency_key=params.idempotency_key
    )


@verb("purchase_time_skip", TimeSkipParams, moves_diamonds=True)
def purchase_time_skip(ctx: Context, params: TimeSkipParams) -> dict[str, Any]:
    return purchases.purchase_time_skip(
        player_id=ctx.player_id, skip_type=params.skip_type, idempotency_key=params.idempotency_key
    )

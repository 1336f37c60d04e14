"""The game's WebSocket verbs: thin, each calls one service."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from pydantic import Field, StrictBool

from accounts.selectors import deletion_grace
from analytics.services import experiments
from core import requestscope
from core.dbretry import retry_on_deadlock
from core.errors import GameError
from core.verbs import Context, NoParams, Params, verb
from core.ws.session import SocketInfo
from game import selectors, wire
from game.models import Character
from game.services import actions, live, purchases
from monetization.catalog import shipped_kinds

IdempotencyKey = Field(default=None, min_length=1, max_length=128)


def _catalog_kind(section: str) -> Any:
    """A kind the catalog sells: checked against the catalog in force when the purchase runs, since
    operators edit the catalog while the game runs (the description names the kinds as shipped)."""
    kinds = ", ".join(f"`{k}`" for k in shipped_kinds(section))
    return Field(min_length=1, max_length=40, description=f"a key of the catalog's {section} (as shipped: {kinds})")


class EnergyRefillParams(Params):
    refill_type: str = _catalog_kind("energy_refills")
    idempotency_key: str | None = IdempotencyKey


class TimeSkipParams(Params):
    skip_type: str = _catalog_kind("time_skips")
    idempotency_key: str | None = IdempotencyKey


class AuthParams(Params):
    token: str = Field(min_length=1, max_length=256)


class ActivityParams(Params):
    activity: str = Field(min_length=1, max_length=64)
    target: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="whom or what the activity is with: a person id, a career track (`apply_job`) or an item (`shop`)",
    )


class ChooseParams(Params):
    event_id: str = Field(min_length=1, max_length=64)
    choice: str = Field(min_length=1, max_length=64)


class ApplyForJobParams(Params):
    track: str = Field(min_length=1, max_length=64, description="a career track id from `get_job_board`")
    leave_current: StrictBool = Field(default=False, description="leave the current job if hired (else refused)")


class StartNewLifeParams(Params):
    as_child: str | None = Field(
        default=None, min_length=1, max_length=64, description="go on as this adult child (the death summary's heirs)"
    )


class TalkParams(Params):
    person_id: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=500)


@verb("auth", AuthParams, is_async=True)
async def auth(ctx: Context, params: AuthParams) -> dict[str, Any]:
    """Signing in happens before any verb; a second `auth` on a signed-in socket is refused."""
    raise GameError("conflict", "This socket is already signed in.")


@verb("ping", NoParams, is_async=True, during_grace=True)
async def ping(ctx: Context, params: NoParams) -> dict[str, Any]:
    return {"server_time": datetime.now(UTC).isoformat()}


def player_object(player_id: int, character: Character | None = None) -> dict[str, Any]:
    """The playerObject of a player (of the life a service has just saved, when given)."""
    return wire.player_object(*selectors.player_and_life(player_id, character=character))


def sign_in_reply(player_id: int, token_id: int | None, socket: SocketInfo | None = None) -> dict[str, Any]:
    """The `auth` reply's data, once the socket has joined its groups (called by the consumer)."""
    with requestscope.scope():
        grace = deletion_grace(player_id=player_id)
        character = live.sign_in(player_id, token_id, paused=grace is not None)
        reply = {
            "player": player_object(player_id, character),
            "experiments": experiments.client_flags(player_id),
            "prices": purchases.prices(player_id),
        }
        if grace is not None:  # PROTOCOL.md: signed in, and told; only a few verbs answer (docs/privacy.md)
            reply["pending_deletion"] = wire.pending_deletion(grace)
        if socket is not None:
            live.session_started(player_id, socket)
        return reply


@verb("get_state", NoParams, during_grace=True)
def get_state(ctx: Context, params: NoParams) -> dict[str, Any]:
    return player_object(ctx.player_id)


@verb("do_activity", ActivityParams)
def do_activity(ctx: Context, params: ActivityParams) -> dict[str, Any]:
    done = actions.do_activity(player_id=ctx.player_id, activity=params.activity, target=params.target)
    return {"player": player_object(ctx.player_id, done.character), "events": done.events}


@verb("choose", ChooseParams)
def choose(ctx: Context, params: ChooseParams) -> dict[str, Any]:
    done = actions.choose(player_id=ctx.player_id, event_id=params.event_id, choice=params.choice)
    return {
        "event_id": params.event_id,
        "choice": params.choice,
        "events": done.events,
        "player": player_object(ctx.player_id, done.character),
    }


@verb("get_job_board", NoParams)
def get_job_board(ctx: Context, params: NoParams) -> dict[str, Any]:
    """Not in PROTOCOL.md v1: the jobs a player can read and apply for (docs/protocol.md)."""
    state, rows = actions.job_board(player_id=ctx.player_id)
    return wire.job_board(state.job.to_dict() if state.job else None, rows)


@verb("apply_for_job", ApplyForJobParams)
def apply_for_job(ctx: Context, params: ApplyForJobParams) -> dict[str, Any]:
    """Not in PROTOCOL.md v1: apply from the job board: the employer invites to an interview (a
    `questionEvent`; the answer decides, with smarts, looks and schooling). Leaving a job is never silent."""
    done = actions.apply_for_job(player_id=ctx.player_id, track=params.track, leave_current=params.leave_current)
    return {"player": player_object(ctx.player_id, done.character), "events": done.events}


@verb("talk", TalkParams)
def talk(ctx: Context, params: TalkParams) -> dict[str, Any]:
    said = actions.talk(player_id=ctx.player_id, person_id=params.person_id, text=params.text)
    return {
        "reply": said.reply,
        "sentiment": said.sentiment,
        "affinity_change": said.affinity_change,
        "person": wire.person_object(said.person),
    }


@verb("start_new_life", StartNewLifeParams)
def start_new_life(ctx: Context, params: StartNewLifeParams) -> dict[str, Any]:
    """Not in PROTOCOL.md v1: after a death the player begins again, or goes on as an adult child."""
    return player_object(ctx.player_id, actions.start_new_life(player_id=ctx.player_id, as_child=params.as_child))


@verb("purchase_energy_refill", EnergyRefillParams, moves_diamonds=True)
def purchase_energy_refill(ctx: Context, params: EnergyRefillParams) -> dict[str, Any]:
    return purchases.purchase_energy_refill(
        player_id=ctx.player_id, refill_type=params.refill_type, idempotency_key=params.idempotency_key
    )


# Skips run the engine over up to 7 game years: on their own few threads (each with its own database
# connection), never on the database thread every socket's verbs share (docs/performance.md).
_SKIP_THREADS = ThreadPoolExecutor(max_workers=max(1, settings.GAME_SKIP_THREADS), thread_name_prefix="time-skip")


def time_skip_reply(player_id: int, skip_type: str, idempotency_key: str | None) -> dict[str, Any]:
    skip = purchases.purchase_time_skip(player_id=player_id, skip_type=skip_type, idempotency_key=idempotency_key)
    return {**skip, "player": player_object(player_id)}


@verb("purchase_time_skip", TimeSkipParams, moves_diamonds=True, is_async=True)
async def purchase_time_skip(ctx: Context, params: TimeSkipParams) -> dict[str, Any]:
    run = database_sync_to_async(retry_on_deadlock(time_skip_reply), thread_sensitive=False, executor=_SKIP_THREADS)
    return await run(ctx.player_id, params.skip_type, params.idempotency_key)

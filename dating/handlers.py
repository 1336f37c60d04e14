"""Dating's WebSocket verbs: thin, each calls one service (docs/protocol.md, "Dating")."""

from typing import Any, Literal

from pydantic import Field, StrictInt, ValidationInfo, field_validator

from core.verbs import Context, NoParams, Params, verb
from dating.services import actions, options, profiles
from game import selectors, wire

PersonId = Field(min_length=1, max_length=64, description="a person id from the player's people or `get_matches`")


class MatchesParams(Params):
    limit: StrictInt = Field(default=10, ge=1, le=50)
    min_age: StrictInt | None = Field(default=None, ge=16, le=120)
    max_age: StrictInt | None = Field(default=None, ge=16, le=120)
    gender: Literal["male", "female"] | None = Field(default=None, description="only people of this gender")

    @field_validator("max_age")
    @classmethod
    def _range(cls, value: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("min_age")
        if value is not None and low is not None and value < low:
            raise ValueError("max_age is below min_age")
        return value


class BioParams(Params):
    person_id: str = PersonId


class PlanDateParams(Params):
    person_id: str = PersonId
    venue: str = Field(min_length=1, max_length=64, description="a venue id from `get_date_options`")
    activity: str = Field(min_length=1, max_length=64, description="a date activity id from `get_date_options`")
    gift: str | None = Field(default=None, min_length=1, max_length=64, description="a gift id (optional)")


class RelationshipActionParams(Params):
    person_id: str = PersonId
    action: str = Field(
        min_length=1,
        max_length=64,
        description="spend_time, compliment, give_gift, ask_out, propose, marry, move_in, break_up, divorce, "
        "ask_for_money, argue, apologise, try_for_baby, adopt (as shipped; `get_date_options` lists them)",
    )
    gift: str | None = Field(default=None, min_length=1, max_length=64, description="for give_gift: a gift id")


def _played(ctx: Context, done: Any, reply: dict[str, Any]) -> dict[str, Any]:
    return {
        **reply,
        "events": done.events,
        "player": wire.player_object(*selectors.player_and_life(ctx.player_id, character=done.character)),
    }


@verb("get_matches", MatchesParams)
def get_matches(ctx: Context, params: MatchesParams) -> dict[str, Any]:
    return profiles.matches(
        player_id=ctx.player_id,
        limit=params.limit,
        min_age=params.min_age,
        max_age=params.max_age,
        gender=params.gender,
    )


@verb("get_bio", BioParams)
def get_bio(ctx: Context, params: BioParams) -> dict[str, Any]:
    return profiles.bio(player_id=ctx.player_id, person_id=params.person_id)


@verb("get_date_options", NoParams)
def get_date_options(ctx: Context, params: NoParams) -> dict[str, Any]:
    """Not in PROTOCOL.md v1: the venues, date activities, gifts and relationship actions, with prices."""
    return options.catalogue()


@verb("plan_date", PlanDateParams)
def plan_date(ctx: Context, params: PlanDateParams) -> dict[str, Any]:
    done, reply = actions.plan_date(
        player_id=ctx.player_id,
        person_id=params.person_id,
        venue=params.venue,
        activity=params.activity,
        gift=params.gift,
    )
    if reply["question"] is not None:
        reply["question"] = wire.question_event(done.character, reply["question"])
    return _played(ctx, done, reply)


@verb("relationship_action", RelationshipActionParams)
def relationship_action(ctx: Context, params: RelationshipActionParams) -> dict[str, Any]:
    """Not in PROTOCOL.md v1: one action with one person (docs/protocol.md)."""
    done, reply = actions.relationship_action(
        player_id=ctx.player_id, person_id=params.person_id, action=params.action, gift=params.gift
    )
    return _played(ctx, done, reply)

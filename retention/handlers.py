"""Retention's WebSocket verbs: thin, each calls one service (docs/protocol.md)."""

from typing import Any

from pydantic import Field

from core.verbs import Context, NoParams, Params, verb
from retention import selectors
from retention.services import achievements, album, calendar, login, quests, tutorial


class QuestParams(Params):
    quest_id: int = Field(ge=1)


class QuestProgressParams(Params):
    quest_type: str = Field(min_length=1, max_length=60)
    amount: int | None = Field(default=None, ge=0, le=1_000_000)  # accepted and ignored: the server counts


class AlbumParams(Params):
    limit: int = Field(default=20, ge=1, le=100)
    before: int | None = Field(default=None, ge=1)


class TutorialParams(Params):
    step: str = Field(min_length=1, max_length=60)


class TimeZoneParams(Params):
    time_zone: str = Field(min_length=1, max_length=64)


@verb("check_daily_login", NoParams)
def check_daily_login(ctx: Context, params: NoParams) -> dict[str, Any]:
    return login.check(player_id=ctx.player_id)


@verb("claim_daily_reward", NoParams, moves_diamonds=True)
def claim_daily_reward(ctx: Context, params: NoParams) -> dict[str, Any]:
    return login.claim(player_id=ctx.player_id)


@verb("set_time_zone", TimeZoneParams)
def set_time_zone(ctx: Context, params: TimeZoneParams) -> dict[str, Any]:
    return calendar.set_time_zone(player_id=ctx.player_id, name=params.time_zone)


@verb("get_active_quests", NoParams)
def get_active_quests(ctx: Context, params: NoParams) -> dict[str, Any]:
    return quests.active(player_id=ctx.player_id)


@verb("complete_quest", QuestParams, moves_diamonds=True)
def complete_quest(ctx: Context, params: QuestParams) -> dict[str, Any]:
    return quests.claim(player_id=ctx.player_id, quest_id=params.quest_id)


@verb("update_quest_progress", QuestProgressParams)
def update_quest_progress(ctx: Context, params: QuestProgressParams) -> dict[str, Any]:
    return quests.progress_of(player_id=ctx.player_id, quest_type=params.quest_type)


@verb("get_achievements", NoParams)
def get_achievements(ctx: Context, params: NoParams) -> dict[str, Any]:
    return achievements.listing(player_id=ctx.player_id)


@verb("get_statistics", NoParams)
def get_statistics(ctx: Context, params: NoParams) -> dict[str, Any]:
    return selectors.statistics(player_id=ctx.player_id)


@verb("get_photo_album", AlbumParams)
def get_photo_album(ctx: Context, params: AlbumParams) -> dict[str, Any]:
    return album.page(player_id=ctx.player_id, limit=params.limit, before=params.before)


@verb("tutorial_step", TutorialParams, moves_diamonds=True)
def tutorial_step(ctx: Context, params: TutorialParams) -> dict[str, Any]:
    return tutorial.step(player_id=ctx.player_id, step=params.step)

"""Applying for a job: a named career track, or any open one; hired by a chance that grows with smarts,
looks and education."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from .. import career
from ..content import EDU_RANK, Activity
from ..ctx import Ctx
from ..errors import NotAllowed, UnknownTarget
from ..special_registry import Params, Plan, Special, register


class ApplyJobParams(Params):
    base_chance: float = Field(ge=0, le=1)  # at 50 smarts, 50 looks and no schooling
    smarts_divisor: float = Field(gt=0)  # the chance rises 1/divisor per point of smarts above 50
    looks_divisor: float = Field(gt=0)
    per_education_rank: float = Field(ge=0)  # added per rank of the highest school finished


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: ApplyJobParams) -> Plan:
    s = ctx.s
    if target is not None:
        track = ctx.c.tracks.get(target)
        if track is None:
            raise UnknownTarget(f"no career track {target!r}", track=target)
        if s.job is not None and s.job.track == target:
            raise NotAllowed(f"you already work in {track.name}", track=target)
        if not career.qualifies(ctx, track, track.levels[0]):
            raise NotAllowed(f"you do not qualify for {track.name}", track=target)
        return Plan(pick=target)
    if s.job is not None:  # a new job means leaving this one: the player names it (the job board)
        raise NotAllowed(
            f"You work as {s.job.title} at {s.job.employer}. Pick a job on the job board to apply elsewhere."
        )
    tracks = [t.id for t in career.open_tracks(ctx)]
    if not tracks:
        raise NotAllowed("there is no job you qualify for")
    return Plan(pick=ctx.rng(at, "apply_job:track").choice(tracks))


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: ApplyJobParams, r: random.Random) -> dict[str, Any]:
    s = ctx.s
    assert plan.pick is not None
    track = ctx.c.tracks[plan.pick]
    chance = params.base_chance + (s.smarts - 50) / params.smarts_divisor + (s.looks - 50) / params.looks_divisor
    chance += params.per_education_rank * EDU_RANK[s.education.highest]
    if r.random() < chance:
        return {"hired": career.hire(ctx, at, track.id)}
    ctx.emit("message", at, topic="rejected", text=f"{track.name}: they went with another candidate.")
    return {"hired": False}


SPECIAL = register(Special("apply_job", apply, plan, ApplyJobParams))

"""Applying for a job: a named career track, or any open one. The employer invites to an interview
(a question: the answer moves the odds, career.decide_interview); the odds grow with smarts, looks
and education. Without an interview event in content, hired or not at once."""

from __future__ import annotations

import random
from typing import Any

from .. import career
from ..content import Activity
from ..ctx import Ctx
from ..errors import NotAllowed, UnknownTarget
from ..special_registry import Plan, Special, register

ApplyJobParams = career.HiringParams


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: ApplyJobParams) -> Plan:
    s = ctx.s
    waiting = career.interviewing_for(ctx)
    if waiting is not None:
        name = ctx.c.tracks[waiting].name if waiting in ctx.c.tracks else waiting
        raise NotAllowed(f"First answer the interview for the {name} job that is waiting for you.")
    if target is not None:
        track = ctx.c.tracks.get(target)
        if track is None:
            raise UnknownTarget(f"There is no job called {target!r} on the job board.", track=target)
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
    assert plan.pick is not None
    track = ctx.c.tracks[plan.pick]
    interview = career.invite_to_interview(ctx, at, track.id)
    if interview is not None:
        return {"interview": interview, "track": track.id}
    if r.random() < career.hire_chance(ctx, params):
        return {"hired": career.hire(ctx, at, track.id)}
    ctx.emit("message", at, topic="rejected", text=f"{track.name}: they went with another candidate.")
    return {"hired": False}


SPECIAL = register(Special("apply_job", apply, plan, ApplyJobParams))

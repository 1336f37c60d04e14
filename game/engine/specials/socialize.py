"""Socializing: with a named person, someone already known, or someone new; classmates and coworkers who
grow close become friends."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from ..content import Activity
from ..ctx import Ctx
from ..people import add_person, change_affinity
from ..special_registry import Params, Plan, Special, register
from .targets import plan_with_person


class SocializeParams(Params):
    known_chance: float = Field(ge=0, le=1)  # without a target: someone already known, else someone new
    affinity: tuple[int, int]  # affinity gained, drawn from this range
    friend_from_affinity: float  # a classmate or coworker becomes a friend from this affinity


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: SocializeParams, r: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    person = plan.person
    if person is None:
        pool = [p for p in ctx.s.people if p.alive and p.relation in ("friend", "classmate", "coworker")]
        if pool and r.random() < params.known_chance:
            person = r.choice(pool)
        else:
            p = add_person(ctx, at, "friend", f"socialize:{at}")
            out["met"] = p.id if p else None
    if person is not None:
        out["affinity"] = change_affinity(ctx, at, person, r.randint(*params.affinity), "socialize")
        if person.relation in ("classmate", "coworker") and person.affinity >= params.friend_from_affinity:
            old = person.relation
            person.relation = "friend"
            ctx.emit("person_changed", at, reason="relation", was=old, person=person.to_dict())
    return out


SPECIAL = register(Special("socialize", apply, plan_with_person, SocializeParams))

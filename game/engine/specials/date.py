"""Going on a date: with a partner or spouse (or a named person), or a blind date that may meet someone new.
A good date with someone else can turn them into a partner."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from ..bonds import ROMANTIC, set_relation
from ..content import FAMILY, Activity
from ..ctx import Ctx
from ..people import add_person, change_affinity
from ..special_registry import Params, Plan, Special, register
from .targets import plan_with_person

HURT = ("ended_badly", "cheated_on")  # an ex who remembers these does not come back from a date


class DateParams(Params):
    meet_chance: float = Field(ge=0, le=1)  # a date with nobody in particular meets someone new
    partner_affinity: tuple[int, int]  # affinity gained, drawn from this range, with a partner or spouse
    other_affinity: tuple[int, int]  # the same with anyone else
    partner_from_affinity: float  # someone else becomes a partner from this affinity ...
    partner_chance: float = Field(ge=0, le=1)  # ... with this chance per date


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: DateParams, r: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    person = plan.person
    if person is None:
        partners = [p for p in ctx.s.people if p.alive and p.relation in ROMANTIC]
        person = r.choice(partners) if partners else None
    if person is None:
        if r.random() < params.meet_chance:
            p = add_person(ctx, at, "partner", f"date:{at}")
            out["met"] = p.id if p else None
        else:
            ctx.emit("message", at, topic="date", text="The date went nowhere.")
    elif person.relation in ROMANTIC:
        out["affinity"] = change_affinity(ctx, at, person, r.randint(*params.partner_affinity), "date")
    else:
        out["affinity"] = change_affinity(ctx, at, person, r.randint(*params.other_affinity), "date")
        courtable = person.relation not in FAMILY and person.age >= 16 and not any(m in person.memory for m in HURT)
        if courtable and person.affinity >= params.partner_from_affinity and r.random() < params.partner_chance:
            set_relation(ctx, at, person, "partner")
    return out


SPECIAL = register(Special("date", apply, plan_with_person, DateParams))

"""Visiting family: one named relative, or every living parent and sibling a little."""

from __future__ import annotations

import random
from typing import Any

from ..content import Activity
from ..ctx import Ctx
from ..people import change_affinity
from ..special_registry import Params, Plan, Special, register
from .targets import plan_with_person


class VisitFamilyParams(Params):
    one_affinity: float  # affinity gained by the one relative visited
    all_affinity: float  # affinity gained by each parent and sibling when nobody is named


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: VisitFamilyParams, r: random.Random) -> dict[str, Any]:
    person = plan.person
    family = [person] if person else [p for p in ctx.s.people if p.alive and p.relation in ("parent", "sibling")]
    for p in family:
        change_affinity(ctx, at, p, params.one_affinity if person else params.all_affinity, "visit_family")
    return {"visited": [p.id for p in family]}


SPECIAL = register(Special("visit_family", apply, plan_with_person, VisitFamilyParams))

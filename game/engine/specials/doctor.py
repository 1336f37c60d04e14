"""Seeing a doctor: free for children, a fee for adults (the activity's effects do the healing)."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from ..content import Activity
from ..ctx import Ctx
from ..special_registry import Params, Plan, Special, register


class DoctorParams(Params):
    price: int = Field(ge=0)
    free_under_age: int = Field(ge=0)


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: DoctorParams) -> Plan:
    return Plan(price=params.price if ctx.s.age >= params.free_under_age else 0)


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: DoctorParams, r: random.Random) -> dict[str, Any]:
    return {"price": plan.price} if plan.price else {}


SPECIAL = register(Special("doctor", apply, plan, DoctorParams))

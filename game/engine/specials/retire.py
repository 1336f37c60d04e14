"""Retiring, from the content's minimum retirement age, onto a pension."""

from __future__ import annotations

import random
from typing import Any

from .. import career
from ..content import Activity
from ..ctx import Ctx
from ..errors import NotAllowed
from ..special_registry import NoParams, Plan, Special, register


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: NoParams) -> Plan:
    if ctx.s.retired:
        raise NotAllowed("already retired")
    if ctx.s.age < ctx.c.config.career.min_retirement_age:
        raise NotAllowed(f"retirement starts at {ctx.c.config.career.min_retirement_age}")
    return Plan()


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: NoParams, r: random.Random) -> dict[str, Any]:
    career.retire(ctx, at)
    return {}


SPECIAL = register(Special("retire", apply, plan))

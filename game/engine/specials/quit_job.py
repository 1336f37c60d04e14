"""Quitting the job."""

from __future__ import annotations

import random
from typing import Any

from .. import career
from ..content import Activity
from ..ctx import Ctx
from ..errors import NotAllowed
from ..special_registry import NoParams, Plan, Special, register


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: NoParams) -> Plan:
    if ctx.s.job is None:
        raise NotAllowed("you have no job")
    return Plan()


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: NoParams, r: random.Random) -> dict[str, Any]:
    career.quit_job(ctx, at)
    return {}


SPECIAL = register(Special("quit_job", apply, plan))

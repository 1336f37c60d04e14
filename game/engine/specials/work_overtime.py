"""Working overtime: better performance and overtime pay at a premium on the hourly salary."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from ..content import Activity
from ..ctx import Ctx
from ..errors import NotAllowed
from ..special_registry import Params, Plan, Special, register
from ..timeline import DAY, YEAR

_WORK_HOURS_PER_YEAR = YEAR // DAY * 8  # salaries are yearly; an hour's pay is salary / (days x 8 hours)


class WorkOvertimeParams(Params):
    performance: int = Field(ge=0)  # added to the job's performance (capped at 100)
    pay_percent: int = Field(ge=0)  # overtime pay as a percentage of the hourly salary (150 = time and a half)


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: WorkOvertimeParams) -> Plan:
    if ctx.s.job is None:
        raise NotAllowed("you have no job")
    return Plan()


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: WorkOvertimeParams, r: random.Random) -> dict[str, Any]:
    job = ctx.s.job
    assert job is not None
    job.performance = round(min(100.0, job.performance + params.performance), 2)
    pay = job.salary * act.hours * params.pay_percent // (_WORK_HOURS_PER_YEAR * 100)
    ctx.add_money(pay)
    return {"performance": params.performance, "money": pay}


SPECIAL = register(Special("work_overtime", apply, plan, WorkOvertimeParams))

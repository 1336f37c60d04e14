"""Studying: study points toward the next exam while in school (none outside it)."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from ..content import Activity
from ..ctx import Ctx
from ..special_registry import Params, Plan, Special, register


class StudyParams(Params):
    study_points: int = Field(ge=0)


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: StudyParams, r: random.Random) -> dict[str, Any]:
    edu = ctx.s.education
    if edu.stage == "none":
        return {}
    edu.study_points += params.study_points
    return {"study_points": edu.study_points}


SPECIAL = register(Special("study", apply, params=StudyParams))

"""Checking the person an activity is done with, shared by the specials that take one."""

from __future__ import annotations

from ..content import Activity
from ..ctx import Ctx
from ..errors import NotAllowed, PersonNotFound, UnknownTarget
from ..special_registry import Plan
from ..state import Person


def person_target(ctx: Ctx, act: Activity, target: str | None) -> Person | None:
    """The living person `target` names, if the activity may be done with their relation; None for no target."""
    if target is None:
        return None
    p = ctx.s.person(target)
    if p is None:
        raise PersonNotFound("That person is not in your life.", person_id=target)
    if not p.alive:
        raise NotAllowed(f"{p.name} has died", person_id=target)
    if act.target_relations and p.relation not in act.target_relations:
        raise UnknownTarget(f"{act.name} is not something to do with your {p.relation}", person_id=target)
    return p


def plan_with_person(ctx: Ctx, at: int, act: Activity, target: str | None, params: object) -> Plan:
    """The plan of a special done with an optional person (a date, socializing, a family visit)."""
    return Plan(person=person_target(ctx, act, target))

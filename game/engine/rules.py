"""Shared checks of content `Requirements` against a state, for question events and activities alike."""

from __future__ import annotations

from .content import EDU_RANK, Requirements
from .state import LifeState


def unmet(s: LifeState, req: Requirements) -> str | None:
    """None when every requirement holds, else a short reason a player can read."""
    if req.employed is not None and (s.job is not None) != req.employed:
        return "needs a job" if req.employed else "needs to be unemployed"
    if req.student is not None and (s.education.stage != "none") != req.student:
        return "needs to be a student" if req.student else "needs to be out of school"
    if req.retired is not None and s.retired != req.retired:
        return "needs to be retired" if req.retired else "needs to be working age"
    if req.has_relation and not any(p.alive and p.relation == req.has_relation for p in s.people):
        return f"needs a {req.has_relation}"
    if req.lacks_relation:
        lacks = (req.lacks_relation,) if isinstance(req.lacks_relation, str) else req.lacks_relation
        for p in s.people:
            if p.alive and p.relation in lacks:
                return f"already has a {p.relation}"
    for f in req.flags:
        if f not in s.flags:
            return f"needs {f}"
    for f in req.not_flags:
        if f in s.flags:
            return f"not with {f}"
    if req.min_money is not None and s.money < req.min_money:
        return f"needs {req.min_money} money"
    if req.graduated and EDU_RANK[s.education.highest] < EDU_RANK[req.graduated]:
        return f"needs a {req.graduated} diploma"
    if req.not_graduated and EDU_RANK[s.education.highest] >= EDU_RANK[req.not_graduated]:
        return f"already has a {req.not_graduated} diploma"
    for stat, least in req.min_stats.items():
        if getattr(s, stat) < least:
            return f"needs {stat} of {least} or more"
    return None

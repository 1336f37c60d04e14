"""The job board: every career track's entry job, whether the life qualifies, and why not."""

from __future__ import annotations

from typing import Any

from .content import EDU_RANK, JobLevel, Track
from .ctx import Ctx
from .rules import unmet

# what a special career's flags mean to a player
_SPECIAL_REASONS = {
    "needs musician": "Needs to play an instrument (music lessons, a band).",
    "needs athlete": "Needs a sporting past (a team, a black belt).",
}

SCHOOL = {
    "none": "",
    "elementary": "elementary school",
    "high_school": "a high school diploma",
    "college": "a college degree",
    "graduate": "a graduate degree",
}


def why_not(ctx: Ctx, track: Track, level: JobLevel) -> str | None:
    """None when the life qualifies for `level` of `track`, else what it lacks, as a player reads it."""
    s = ctx.s
    min_age = max(track.min_age, ctx.c.config.career.min_work_age)
    if s.retired:
        return "You are retired."
    if s.age < min_age:
        return f"From age {min_age}."
    if EDU_RANK[s.education.highest] < EDU_RANK[level.education]:
        return f"Needs {SCHOOL[level.education]}."
    special = unmet(s, track.requires)
    if special is not None:
        return _SPECIAL_REASONS.get(special, special[0].upper() + special[1:] + ".")
    if track.majors and EDU_RANK[level.education] >= EDU_RANK["college"] and s.education.major not in track.majors:
        names = {m.id: m.name for m in ctx.c.config.majors}
        return "Needs a degree in " + " or ".join(names.get(m, m) for m in track.majors) + "."
    return None


def board(ctx: Ctx) -> list[dict[str, Any]]:
    """Each track's entry job, best paid first, with `qualifies` and `requirement` (the reason, if not)."""
    s = ctx.s
    rows = []
    for track in ctx.c.tracks.values():
        level = track.levels[0]
        reason = why_not(ctx, track, level)
        rows.append(
            {
                "track": track.id,
                "track_name": track.name,
                "title": level.title,
                "salary": level.salary,
                "top_title": track.levels[-1].title,
                "levels": len(track.levels),
                "qualifies": reason is None,
                "requirement": reason,
                "current": s.job is not None and s.job.track == track.id,
                "special": track.special,
            }
        )
    return sorted(rows, key=lambda r: (not r["qualifies"], -r["salary"]))

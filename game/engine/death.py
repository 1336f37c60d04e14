"""How a life ends: illness when health reaches 0, rare accidents, and an old-age hazard that grows each year."""

from __future__ import annotations

import math
from typing import Any

from .ctx import Ctx
from .timeline import age_at


def yearly_hazard(ctx: Ctx, age: int) -> float:
    """Gompertz-style: `old_age_hazard_per_year` at `old_age_start`, growing by e**growth per year after it."""
    h = ctx.c.config.health
    if age < h.old_age_start - 10:
        return 0.0
    return min(1.0, h.old_age_hazard_per_year * math.exp(h.old_age_growth * (age - h.old_age_start)))


def _frailty(ctx: Ctx) -> float:
    """Poor health raises the hazard of dying (1 at health 60 and above)."""
    health = ctx.s.health
    return 1.0 if health >= 60 else 1.0 + ctx.c.config.health.poor_health_hazard * (60 - health) / 60


def daily_health(ctx: Ctx, t: int) -> None:
    s = ctx.s
    h = ctx.c.config.health
    day = t // 86400
    if s.age >= h.decline_start_age and day % h.decline_every_days == 0:
        ctx.add_stat("health", -(1 + (s.age - h.decline_start_age) // 15))
    if s.happiness < 15 and day % 30 == 0:
        ctx.add_stat("health", -2)
    if s.health <= 0:
        die(ctx, t, "illness")
    elif ctx.roll(t, "accident") < h.accident_chance_per_day:
        die(ctx, t, "accident")
    elif ctx.roll(t, "old_age") < yearly_hazard(ctx, s.age) * _frailty(ctx) / 360:
        die(ctx, t, "old age")


def summary(ctx: Ctx) -> dict[str, Any]:
    s = ctx.s
    alive = [p for p in s.people if p.alive]
    return {
        "name": s.name,
        "age": s.age,
        "stage": s.stage,
        "cause": s.cause_of_death,
        "died_at": s.died_at,
        "years_lived": age_at(s.born_at, s.died_at or s.clock),
        "job": s.job.title if s.job else None,
        "career_track": s.job.track if s.job else None,
        "retired": s.retired,
        "education": list(s.education.graduated),
        "money": s.money,
        "people": len(s.people),
        "people_alive": len(alive),
        "children": sum(1 for p in s.people if p.relation == "child"),
        "married": any(p.relation == "spouse" for p in s.people),
        "stats": {"health": s.health, "happiness": s.happiness, "smarts": s.smarts, "looks": s.looks},
        "lifetime": dict(s.counters),
        "milestones": list(s.milestones),
        "obituary": obituary(s),
        # the children the player may go on as (game/engine/generations.py: alive and grown up)
        "heirs": [
            {"id": p.id, "name": p.name, "age": p.age}
            for p in s.people
            if p.relation == "child" and p.alive and p.age >= ctx.c.config.generations.min_heir_age
        ],
    }


def obituary(s: Any) -> str:
    """The life told in a few sentences, for the player and the family album."""
    years = age_at(s.born_at, s.died_at or s.clock)
    pronoun, possessive = ("He", "his") if s.gender == "male" else ("She", "her")
    cause = {"old age": "peacefully of old age", "illness": "after an illness", "accident": "in an accident"}.get(
        s.cause_of_death or "", f"of {s.cause_of_death}"
    )
    lines = [f"{s.name} died {cause} at {years}, in {s.location}."]
    if s.job is not None:
        lines.append(f"{pronoun} worked as {s.job.title} at {s.job.employer}.")
    elif s.retired:
        lines.append(f"{pronoun} had retired after a working life.")
    if s.education.graduated:
        top = {
            "elementary": "elementary school",
            "high_school": "high school",
            "college": "college",
            "graduate": "graduate school",
        }[s.education.highest]
        lines.append(f"{pronoun} finished {top}.")
    spouse = next((p for p in s.people if p.relation == "spouse" and p.alive), None)
    children = [p for p in s.people if p.relation == "child"]
    family = []
    if spouse is not None:
        family.append(f"{possessive} {'husband' if spouse.gender == 'male' else 'wife'} {spouse.name.split()[0]}")
    if children:
        family.append(f"{len(children)} child{'ren' if len(children) > 1 else ''}")
    if family:
        lines.append(f"{pronoun} leaves {' and '.join(family)}.")
    if s.money > 0:
        lines.append(f"{possessive.capitalize()} estate: ${s.money:,}.")
    elif s.money < 0:
        lines.append(f"{pronoun} left ${-s.money:,} of debt behind.")
    return " ".join(lines)


def die(ctx: Ctx, at: int, cause: str) -> None:
    s = ctx.s
    if s.dead:
        return
    s.dead = True
    s.cause_of_death = cause
    s.died_at = at
    s.pending.clear()
    s.summary = summary(ctx)
    ctx.milestone("death", at, once="death", cause=cause, summary=s.summary)

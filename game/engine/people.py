"""The people in a life: family at birth, classmates, coworkers, friends, partners and children."""

from __future__ import annotations

import random

from .content import FAMILY, TRAITS
from .ctx import Ctx
from .death import yearly_hazard
from .state import LifeState, Person
from .timeline import DAY, YEAR, age_at


def random_traits(r: random.Random) -> dict[str, float]:
    return {t: round(r.random(), 2) for t in TRAITS}


def make_person(
    ctx: Ctx,
    at: int,
    relation: str,
    r: random.Random,
    *,
    age: int,
    surname: str | None = None,
    gender: str | None = None,
    affinity: float | None = None,
    avoid: frozenset[str] = frozenset(),
) -> Person:
    """`avoid`: first names already in the family (no two children called Mia)."""
    names = ctx.c.names
    gender = gender or r.choice(("male", "female"))
    pool = names.male if gender == "male" else names.female
    first = r.choice([n for n in pool if n not in avoid] or pool)
    last = surname or r.choice(names.surnames)
    # born some time in the year before `age` birthdays, on an hour boundary so ages change on steps
    born_at = at - age * YEAR - r.randrange(0, 360) * DAY
    if affinity is None:
        affinity = float(r.randint(40, 70)) if relation in FAMILY else float(r.randint(0, 30))
    return Person(
        id=ctx.s.new_id("p"),
        name=f"{first} {last}",
        relation=relation,
        gender=gender,
        born_at=born_at,
        age=age_at(born_at, at),
        traits=random_traits(r),
        affinity=affinity,
        alive=True,
        met_at=at,
    )


def add_person(
    ctx: Ctx, at: int, relation: str, purpose: str, *, age: int | None = None, memory: tuple[str, ...] = ()
) -> Person | None:
    """Someone new enters the life; when it is full (`max_people`), the least close acquaintance makes room."""
    s = ctx.s
    if relation == "child" and sum(1 for p in s.people if p.relation == "child") >= ctx.c.config.max_children:
        ctx.emit("message", at, topic="no_more_children", text="Your family is complete.")
        return None
    if len(s.people) >= ctx.c.config.max_people and not make_room(ctx):
        return None
    r = ctx.rng(at, f"person:{purpose}:{s.next_id}")
    surname = None
    if age is None:
        if relation == "child":
            age = 0
        elif relation in ("classmate", "sibling"):
            age = max(0, s.age + r.randint(-1, 1))
        else:
            age = max(s.age + r.randint(-5, 5), 16 if relation in ("partner", "spouse", "coworker") else 3)
    if relation == "child":
        surname = s.name.split()[-1]
        family = frozenset(
            [s.name.split()[0]] + [p.name.split()[0] for p in s.people if p.relation in ("child", "sibling", "parent")]
        )
        p = make_person(ctx, at, relation, r, age=age, surname=surname, affinity=80.0, avoid=family)
        if age == 0:  # a birth (an adopted child comes with their own years)
            p.born_at = at
            p.age = 0
        p.memory.extend(memory)
        s.bump("children")
        s.people.append(p)
        ctx.milestone("child_born", at, person=p.to_dict(), adopted="adopted" in p.memory)
        return p
    p = make_person(ctx, at, relation, r, age=age, surname=surname)
    p.since = at
    s.people.append(p)
    s.bump("people_met")
    ctx.emit("person_changed", at, reason="met", person=p.to_dict())
    if relation == "partner":  # met on a blind date: a relationship begins, as with dating's ask_out
        ctx.milestone("new_relationship", at, person=p.to_dict(), was="stranger")
    return p


def adopt(ctx: Ctx, at: int, purpose: str) -> Person | None:
    """A child of 1 to 8 joins the family: a birth's milestone and counters, but not a newborn."""
    age = ctx.rng(at, f"adopt:{purpose}").randint(1, 8)
    return add_person(ctx, at, "child", purpose, age=age, memory=("adopted",))


def to_forget(s: LifeState) -> Person | None:
    """Who would be forgotten to make room (nothing changes): a non-family person, the dead first, then
    the lowest affinity, then the longest known; a living partner or fiancé(e) never."""
    busy = {q.person_id for q in s.pending}
    cands = [
        p
        for p in s.people
        if p.id not in busy and p.relation not in FAMILY and (not p.alive or p.relation not in ("partner", "fiance"))
    ]
    return min(cands, key=lambda p: (p.alive, p.affinity, p.met_at)) if cands else None


def has_room(s: LifeState, max_people: int) -> bool:
    return len(s.people) < max_people or to_forget(s) is not None


def make_room(ctx: Ctx) -> bool:
    """Forget one person (`to_forget`). Their id is kept in `forgotten`, so whoever generates people
    on demand (dating's pool) never brings them back as a stranger who forgot everything."""
    gone = to_forget(ctx.s)
    if gone is None:
        return False
    ctx.s.people.remove(gone)
    ctx.s.forgotten.append(gone.id)
    return True


def change_affinity(ctx: Ctx, at: int, person: Person, delta: float, reason: str) -> float:
    old = person.affinity
    cap = ctx.c.config.stats.affinity_soft_cap
    if delta > 0 and old + delta > cap:  # a bond near its best grows slowly ("best mom ever" once more)
        below = max(0.0, cap - old)
        delta = below + (delta - below) * (100 - max(old, cap)) / (100 - cap)
    person.affinity = round(max(-100.0, min(100.0, old + delta)), 2)
    change = round(person.affinity - old, 2)
    if change:
        ctx.emit("person_changed", at, reason=reason, change=change, person=person.to_dict())
    return change


def daily_people(ctx: Ctx, t: int) -> None:
    """Ages move on; the old may die (same hazard curve as the player)."""
    s = ctx.s
    for p in s.people:
        if not p.alive:
            continue
        p.age = age_at(p.born_at, t)
        if p.age >= ctx.c.config.health.old_age_start - 10:
            if ctx.roll(t, f"npc_death:{p.id}") < yearly_hazard(ctx, p.age) / 360:
                p.alive = False
                ctx.emit("person_changed", t, reason="died", person=p.to_dict())
                if p.relation in FAMILY or p.affinity > 50:
                    ctx.add_stat("happiness", -15)


def monthly_people(ctx: Ctx, t: int) -> None:
    """Friendships cool without attention; family bonds barely move."""
    decay = ctx.c.config.stats.family_monthly_decay
    for p in ctx.s.people:
        if p.alive and p.relation not in FAMILY and p.affinity > 10:
            p.affinity = round(p.affinity - 1, 2)
        elif p.alive and p.relation in FAMILY and p.affinity > 50:
            p.affinity = round(p.affinity - decay, 2)

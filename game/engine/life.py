"""A new life: the baby, its parents and older siblings, all drawn from the seed."""

from __future__ import annotations

from . import rng as _rng
from .content import Content
from .ctx import Ctx
from .people import make_person
from .state import LifeState


def new_life(
    seed: int, born_at: int, content: Content, name: str | None = None, gender: str | None = None
) -> LifeState:
    r = _rng.rng(seed, born_at, "new_life")
    names = content.names
    gender = gender or r.choice(("male", "female"))
    surname = r.choice(names.surnames)
    first = r.choice(names.male if gender == "male" else names.female)
    state = LifeState(
        seed=seed,
        born_at=born_at,
        clock=born_at,
        name=name or f"{first} {surname}",
        gender=gender,
        age=0,
        stage=content.stage_for_age(0),
        health=r.randint(70, 100),
        happiness=r.randint(60, 90),
        smarts=r.randint(20, 80),
        looks=r.randint(20, 80),
        energy=float(content.config.energy.start),
        money=0,
        location=r.choice(names.cities),
    )
    ctx = Ctx(state, content)
    mother_age = r.randint(20, 40)
    ages = {"mother": mother_age, "father": max(18, mother_age + r.randint(-4, 8))}
    for who, age in ages.items():
        p = make_person(
            ctx, born_at, "parent", r, age=age, surname=surname, gender="female" if who == "mother" else "male"
        )
        state.people.append(p)
    n_siblings = r.choices((0, 1, 2, 3), weights=(35, 40, 18, 7))[0]
    for _ in range(n_siblings):
        age = r.randint(1, min(12, mother_age - 18)) if mother_age > 19 else 1
        family = frozenset([state.name.split()[0]] + [p.name.split()[0] for p in state.people])  # no two Aishas
        state.people.append(make_person(ctx, born_at, "sibling", r, age=age, surname=surname, avoid=family))
    return state

"""Generations: when a life ends, the player may go on as one of its adult children, who inherits
what is left (less the content's tax) and keeps the family."""

from __future__ import annotations

from dataclasses import replace

from . import rng as _rng
from .content import Content
from .errors import NotAllowed, PersonNotFound
from .state import Education, LifeState, Person
from .timeline import age_at


def heirs(state: LifeState, content: Content) -> list[Person]:
    """The children a player may continue as: alive and grown up."""
    adult = content.config.generations.min_heir_age
    return [p for p in state.people if p.relation == "child" and p.alive and p.age >= adult]


def continue_as(state: LifeState, child_id: str, content: Content) -> LifeState:
    """The child's life, met at the moment the parent's ended: a new state (seeded from the parent's
    seed and the child), the inheritance after tax (debts are not inherited), the family kept."""
    if not state.dead:
        raise NotAllowed("This life goes on; a child takes over only after it ends.")
    child = next((p for p in state.people if p.id == child_id), None)
    if child is None or child.relation != "child":
        raise PersonNotFound("That is not one of your children.", person_id=child_id)
    if child not in heirs(state, content):
        raise NotAllowed(f"{child.name} cannot take over: only a living adult child can.", person_id=child_id)
    at = state.died_at or state.clock
    r = _rng.rng(state.seed, at, f"heir:{child.id}")
    gen = content.config.generations
    estate = max(0, state.money)
    inheritance = int(estate * (1 - gen.inheritance_tax))
    age = age_at(child.born_at, at)
    heir = LifeState(
        seed=_rng.key(state.seed, at, f"heir-seed:{child.id}") % (2**62),
        born_at=child.born_at,
        clock=at,
        name=child.name,
        gender=child.gender,
        age=age,
        stage=content.stage_for_age(age),
        health=r.randint(60, 95),
        happiness=max(20, r.randint(45, 75) - 10),  # grieving
        smarts=int(40 + 40 * child.traits.get("openness", 0.5)),
        looks=r.randint(30, 80),
        energy=float(content.config.energy.start),
        money=inheritance,
        location=state.location,
        education=Education(graduated=["elementary", "high_school"]),
        inventory=dict(state.inventory),
        assets=[dict(a) for a in state.assets],  # the house and the car stay in the family
        next_id=state.next_id,
    )
    people: list[Person] = []
    for p in state.people:
        if p.id == child.id:
            continue
        if p.relation in ("spouse", "partner"):
            people.append(replace(p, relation="parent", affinity=max(p.affinity, 50.0)))
        elif p.relation == "child":
            people.append(replace(p, relation="sibling"))
    deceased = Person(
        id=heir.new_id("p"),
        name=state.name,
        relation="parent",
        gender=state.gender,
        born_at=state.born_at,
        age=state.age,
        traits={},
        affinity=child.affinity,
        alive=False,
        met_at=child.born_at,
    )
    heir.people = [deceased, *people]
    heir.flags = ["heir"]
    heir.generation = state.generation + 1
    heir.recent = {}
    return heir

"""Generations: after a death the player goes on as an adult child, who inherits and keeps the family."""

from __future__ import annotations

import pytest

from game.engine import YEAR, NotAllowed, PersonNotFound, continue_as, heirs
from game.engine.ctx import Ctx
from game.engine.death import die
from game.engine.people import add_person


def _a_parent_who_died(content, life):
    state = life(51, 60)
    ctx = Ctx(state, content)
    spouse = add_person(ctx, state.clock, "spouse", "test-spouse", age=58)
    grown = add_person(ctx, state.clock, "child", "test-grown")
    young = add_person(ctx, state.clock, "child", "test-young")
    for child, years in ((grown, 30), (young, 12)):  # children are born as babies: age them
        child.born_at = state.clock - years * YEAR
        child.age = years
    state.money = 100_000
    state.assets.append({"id": "a1", "item": "house", "name": "Starter House", "bought_at": 0, "price": 180_000})
    die(ctx, state.clock, "old age")
    return state, spouse, grown, young


def test_an_adult_child_inherits_after_tax_and_keeps_the_family(content, life):
    state, spouse, grown, young = _a_parent_who_died(content, life)
    assert [h["id"] for h in state.summary["heirs"]] == [grown.id]
    assert state.summary["obituary"].startswith(f"{state.name} died peacefully of old age at 60")
    heir = continue_as(state, grown.id, content)
    assert (heir.name, heir.age, heir.dead) == (grown.name, 30, False)
    assert heir.money == 80_000  # 20 % inheritance tax
    relations = {p.id: (p.relation, p.alive) for p in heir.people}
    assert relations[spouse.id] == ("parent", True) and relations[young.id] == ("sibling", True)
    assert any(p.name == state.name and p.relation == "parent" and not p.alive for p in heir.people)
    assert heir.generation == 2 and heir.clock == state.died_at
    assert [a["item"] for a in heir.assets] == ["house"]  # the house stays in the family


def test_debts_are_not_inherited(content, life):
    state, _, grown, _ = _a_parent_who_died(content, life)
    state.money = -40_000
    assert continue_as(state, grown.id, content).money == 0


def test_only_a_living_adult_child_of_an_ended_life_takes_over(content, life):
    state, spouse, grown, young = _a_parent_who_died(content, life)
    with pytest.raises(NotAllowed, match="only a living adult child"):
        continue_as(state, young.id, content)
    with pytest.raises(PersonNotFound):
        continue_as(state, spouse.id, content)
    alive = life(52, 40)
    with pytest.raises(NotAllowed, match="goes on"):
        continue_as(alive, grown.id, content)
    assert [p.id for p in heirs(state, content)] == [grown.id]


def test_the_obituary_names_only_a_living_spouse(content, life):
    state = life(53, 70)
    ctx = Ctx(state, content)
    spouse = add_person(ctx, state.clock, "spouse", "test-late-spouse", age=70)
    spouse.alive = False
    die(ctx, state.clock, "old age")
    assert spouse.name.split()[0] not in state.summary["obituary"]

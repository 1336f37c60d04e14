"""Activities: costs, effects, and refusals that leave the state untouched."""

from __future__ import annotations

import pytest

from game.engine import (
    DAY,
    HOUR,
    Busy,
    InsufficientEnergy,
    InsufficientMoney,
    NotAllowed,
    UnknownActivity,
    UnknownTarget,
    apply_activity,
)
from game.tests.engine.jobs import apply_and_interview


def test_insufficient_energy_refuses_and_changes_nothing(content, life):
    state = life(31, 20)
    state.energy = 3.0
    before = state.to_dict()
    with pytest.raises(InsufficientEnergy) as exc:
        apply_activity(state, state.clock, "exercise", content)
    assert exc.value.code == "insufficient_energy"
    assert exc.value.extra == {"energy": 3.0, "required": 20}
    assert state.to_dict() == before


def test_activity_costs_energy_takes_time_and_applies_effects(content, life):
    state = life(32, 20)
    state.energy = 80.0
    state.smarts = 50
    state.happiness = 50
    after, events = apply_activity(state, state.clock, "read", content)
    assert after.energy == 72.0
    assert (after.smarts, after.happiness) == (51, 51)
    assert after.busy_until == state.clock + HOUR
    assert after.counters["activities"] == state.counters["activities"] + 1
    assert events[-1].kind == "activity" and events[-1].data["activity"] == "read"
    with pytest.raises(Busy):
        apply_activity(after, after.clock + 10, "read", content)


def test_life_stage_and_unknown_refusals(content, life):
    baby = life(33, 1)
    with pytest.raises(NotAllowed):
        apply_activity(baby, baby.clock, "party", content)
    with pytest.raises(UnknownActivity):
        apply_activity(baby, baby.clock, "fly_to_the_moon", content)
    adult = life(33, 25)
    adult.job = None
    with pytest.raises(NotAllowed):
        apply_activity(adult, adult.clock, "work_overtime", content)
    with pytest.raises(UnknownTarget):
        apply_activity(adult, adult.clock, "apply_job", content, target="astronaut")


def test_shop_needs_money(content, life):
    state = life(34, 20)
    state.money = 3
    with pytest.raises(InsufficientMoney):
        apply_activity(state, state.clock, "shop", content, target="laptop")
    state.money = 2000
    after, _ = apply_activity(state, state.clock, "shop", content, target="laptop")
    assert after.money == 800
    assert after.inventory.get("laptop") == 1


def test_apply_job_eventually_hires_and_adds_coworkers(content, life):
    state = life(35, 20)
    state.job = None
    for i in range(30):
        state.energy = 100.0
        state, events = apply_and_interview(state, state.clock + DAY + i, content, target="service")
        if state.job is not None:
            break
    assert state.job is not None and state.job.track == "service" and state.job.level == 0
    hired = [e for e in events if e.milestone == "hired"]
    assert hired and hired[0].data["title"] == "Dishwasher"
    assert any(p.relation == "coworker" for p in state.people)


def test_every_activity_is_doable_by_someone(content, life):
    """Each activity works for at least one of a few typical lives (content and code agree)."""
    done = set()
    for years in (1, 8, 16, 25, 60, 70):
        base = life(36, years)
        base.money = 100000
        for act in content.activities.values():
            s = base.clone()
            s.energy = 100.0
            if act.id in ("work_overtime", "quit_job") and s.age >= 16:
                s, _ = apply_and_interview(s, s.clock, content, target="service")
                if s.job is None:
                    continue
                s.busy_until = 0
            target = None
            if act.id == "sell_asset" and s.age >= 18:  # something to sell
                s, _ = apply_activity(s, s.clock, "shop", content, target="used_car")
                s.busy_until, target = 0, s.assets[-1]["id"]
            try:
                apply_activity(s, s.clock, act.id, content, target=target)
            except NotAllowed:
                continue
            done.add(act.id)
    assert done == set(content.activities)


def test_refused_input_inside_advance_becomes_an_event(content, life):
    from game.engine import Input, advance

    state = life(37, 20)
    state.energy = 1.0
    at = state.clock + 10
    inputs = [
        Input(at=at, kind="activity", params={"activity": "gym"}),
        Input(at=at, kind="choice", params={"event_id": "nope", "choice": "x"}),
        Input(at=at, kind="talk", params={"person_id": state.people[0].id}),
    ]
    after, events = advance(state, state.clock, at + 100, inputs, content)
    refused = [e.data["error"]["code"] for e in events if e.kind == "input_refused"]
    assert refused == ["insufficient_energy", "not_found", "bad_request"]
    assert after.energy == state.energy and after.counters == state.counters

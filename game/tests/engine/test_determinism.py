"""The core property: a span advanced in one call equals the same span split anywhere, for any seed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import (
    DAY,
    WEEK,
    YEAR,
    Input,
    Job,
    LifeState,
    NotAllowed,
    advance,
    apply_activity,
    apply_choice,
    apply_talk,
    expire_held,
    new_life,
)
from game.tests.questions import pending

from .conftest import aged

AGES = (0, 7, 17, 25, 45, 68, 90)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis/ writes from this suite
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _base(content, age_index: int, seed: int, employed: bool, energy: float = 12.5) -> LifeState:
    state = aged(content, 7, AGES[age_index])
    state.seed = seed  # same history, new future: every example explores different rolls
    state.energy = energy  # below the cap, so regen is exercised across the split
    if employed and state.age >= 18 and not state.dead:
        state.job = Job(
            track="business",
            level=1,
            title="Business Associate",
            salary=40000,
            performance=72.0,
            hired_at=state.clock - 3 * YEAR,
            level_since=state.clock - 3 * YEAR,
            employer="Globex",
        )
        state.education.graduated = ["elementary", "high_school", "college"]
        state.education.major = "business"
    return state


def _dump(state: LifeState, events) -> tuple[dict, list[dict]]:
    return state.to_dict(), [e.to_dict() for e in events]


@SETTINGS
@given(
    age_index=st.integers(0, len(AGES) - 1),
    seed=st.integers(0, 2**63 - 1),
    employed=st.booleans(),
    energy=st.sampled_from([0.0, 12.5, 63.3, 99.9]),
    offset=st.integers(0, 2 * DAY),
    span=st.integers(0, 4 * WEEK),
    cut=st.floats(0, 1),
)
def test_one_call_equals_two_calls(content, age_index, seed, employed, energy, offset, span, cut):
    state = _base(content, age_index, seed, employed, energy)
    t0 = state.clock + offset  # not on a step boundary in general
    state, _ = advance(state, state.clock, t0, [], content)
    t2 = t0 + span
    t1 = t0 + int(span * cut)

    whole = advance(state, t0, t2, [], content)
    first = advance(state, t0, t1, [], content)
    second = advance(first[0], first[0].clock, t2, [], content)  # a decision may hold the clock before t1

    assert _dump(*whole) == _dump(second[0], first[1] + second[1])


@SETTINGS
@given(seed=st.integers(0, 2**32), cuts=st.lists(st.integers(0, 30 * DAY), min_size=1, max_size=6))
def test_many_splits_from_birth(content, seed, cuts):
    born = 1234567  # not hour-aligned: birthdays fall between steps
    state = new_life(seed, born, content)
    state.energy = 3.0
    end = born + 30 * DAY
    whole = advance(state, born, end, [], content)
    events = []
    cur = state
    for point in sorted(born + c for c in cuts) + [end]:
        cur, evs = advance(cur, cur.clock, point, [], content)
        events += evs
    assert _dump(*whole) == _dump(cur, events)


@SETTINGS
@given(seed=st.integers(0, 2**32), at_offset=st.integers(0, 3 * DAY), span=st.integers(0, 2 * WEEK))
def test_inputs_in_advance_equal_caller_applying_between_advances(content, seed, at_offset, span):
    state = _base(content, 3, seed, True, energy=40.0)
    t0 = state.clock
    at = t0 + at_offset
    end = at + span
    inputs = [Input(at=at, kind="activity", params={"activity": "read"})]
    whole = advance(state, t0, end, inputs, content)

    a, ev_a = advance(state, t0, at, [], content)
    b, ev_b = apply_activity(a, at, "read", content)
    c, ev_c = advance(b, b.clock, end, [], content)
    assert _dump(*whole) == _dump(c, ev_a + ev_b + ev_c)


def _held(content, seed: int) -> LifeState:
    """A life of 18 held by the college decision (a major one), raised at its clock."""
    state = _base(content, 3, seed, False, energy=40.0)
    pending(content, state, "college_decision", expires_at=state.clock + 10 * YEAR, window_real_hours=24)
    return state


@SETTINGS
@given(
    seed=st.integers(0, 2**32),
    waited=st.integers(0, 3 * YEAR),
    later=st.integers(0, 3 * YEAR),
    span=st.integers(0, 8 * WEEK),
    cut=st.floats(0, 1),
)
def test_a_held_life_waits_and_its_answer_does_not_depend_on_when_it_comes(content, seed, waited, later, span, cut):
    state = _held(content, seed)
    held_at = state.clock
    paused, events = advance(state, held_at, held_at + waited, [], content)
    assert paused.clock == held_at and events == []  # the life does not move while the decision waits
    question = paused.held_by.id
    early, ev_early = apply_choice(paused, held_at + waited, question, "business", content)
    late, ev_late = apply_choice(paused, held_at + waited + later, question, "business", content)
    assert _dump(early, ev_early) == _dump(late, ev_late)  # answered at the held moment, however late
    assert early.held_by is None and early.education.major == "business"
    # and the life after the answer replays exactly, split anywhere
    end = early.clock + span
    whole = advance(early, early.clock, end, [], content)
    first = advance(early, early.clock, early.clock + int(span * cut), [], content)
    second = advance(first[0], first[0].clock, end, [], content)
    assert _dump(*whole) == _dump(second[0], first[1] + second[1])


def test_activities_and_talk_wait_for_a_held_decision(content):
    state = _held(content, 11)
    with pytest.raises(NotAllowed, match="First decide: You finished high school"):
        apply_activity(state, state.clock, "read", content)
    parent = next(p for p in state.people if p.relation == "parent" and p.alive)
    with pytest.raises(NotAllowed, match="First decide"):
        apply_talk(state, state.clock, parent.id, "hi", 0.5, content)
    settled, events = expire_held(state, content)
    assert settled.held_by is None
    assert [e.data["by"] for e in events if e.kind == "question_resolved"] == ["expiry"]


def test_same_seed_same_life_different_seed_different_life(content):
    a = advance(new_life(5, 0, content), 0, 10 * YEAR, [], content)
    b = advance(new_life(5, 0, content), 0, 10 * YEAR, [], content)
    c = advance(new_life(6, 0, content), 0, 10 * YEAR, [], content)
    assert _dump(*a) == _dump(*b)
    assert _dump(*a) != _dump(*c)


@pytest.mark.parametrize("age", [25, 68])
def test_advance_does_not_mutate_its_input(content, age):
    state = aged(content, 3, age)
    before = state.to_dict()
    advance(state, state.clock, state.clock + 2 * WEEK, [], content)
    assert state.to_dict() == before

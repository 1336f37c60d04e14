"""Serialisation: the caller keeps the state in a JSON column, so a round trip must be exact."""

from __future__ import annotations

import json

from game.engine import DAY, LifeState, advance, apply_activity, new_life


def test_round_trip_of_a_lived_life(content, life):
    state = life(11, 30)
    state, _ = apply_activity(state, state.clock + DAY, "apply_job", content, target="service")
    text = json.dumps(state.to_dict())
    back = LifeState.from_dict(json.loads(text))
    assert back == state
    assert back.to_dict() == state.to_dict()


def test_round_trip_keeps_advancing_identically(content, life):
    state = life(12, 16)
    back = LifeState.from_dict(json.loads(json.dumps(state.to_dict())))
    a = advance(state, state.clock, state.clock + 10 * DAY, [], content)
    b = advance(back, back.clock, back.clock + 10 * DAY, [], content)
    assert a[0].to_dict() == b[0].to_dict()
    assert [e.to_dict() for e in a[1]] == [e.to_dict() for e in b[1]]


def test_new_life_has_parents_a_baby_and_is_deterministic(content):
    state = new_life(99, 5000, content, name="Bao Tran")
    assert state.name == "Bao Tran"
    assert (state.age, state.stage, state.clock, state.born_at) == (0, "baby", 5000, 5000)
    assert [p.relation for p in state.people].count("parent") == 2
    assert all(p.relation in ("parent", "sibling") for p in state.people)
    assert all(p.age > 0 and -100 <= p.affinity <= 100 for p in state.people)
    assert new_life(99, 5000, content, name="Bao Tran") == state
    assert json.loads(json.dumps(state.to_dict())) == state.to_dict()


def test_events_serialise(content, life):
    state = life(13, 10)
    _, events = advance(state, state.clock, state.clock + 60 * DAY, [], content)
    assert events
    for e in events:
        d = e.to_dict()
        assert set(d) == {"kind", "at", "data"}
        assert json.loads(json.dumps(d)) == d

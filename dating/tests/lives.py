"""Lives for dating's engine-level tests: an adult life, people put into it, actions done in a row."""

from __future__ import annotations

from typing import Any

from game import engine
from game.engine.state import Person


def adult(content: engine.Content, *, seed: int = 7, age: int = 25, money: int = 50_000) -> engine.LifeState:
    """A life played by itself to `age` (no pending question), rich enough to pay for dates and rings."""
    state = engine.new_life(seed, 0, content)
    state, _ = engine.advance_settling(state, age * engine.YEAR + engine.DAY, content)
    state.pending = []
    state.money = money
    state.energy = 100.0
    state.busy_until = 0
    return state


def person(state: engine.LifeState, relation: str, *, age: int = 26, affinity: float = 50.0, **kw: Any) -> Person:
    """Someone of `relation` put into the life (traits middling unless given)."""
    p = Person(
        id=state.new_id("p"),
        name=kw.pop("name", "Sam Rivera"),
        relation=relation,
        gender=kw.pop("gender", "female"),
        born_at=state.clock - age * engine.YEAR - engine.DAY,
        age=age,
        traits=kw.pop(
            "traits",
            {t: 0.6 for t in ("openness", "conscientiousness", "extraversion", "agreeableness")} | {"neuroticism": 0.3},
        ),
        affinity=affinity,
        met_at=state.clock,
        since=kw.pop("since", state.clock),
        memory=list(kw.pop("memory", [])),
    )
    assert not kw, kw
    state.people.append(p)
    return p


def act(
    state: engine.LifeState, action: str, target: str | None, content: engine.Content, **options: Any
) -> tuple[engine.LifeState, dict[str, Any], list[engine.Event]]:
    """Do `action` with `target` once the last activity is over, energy topped up; (state, effects, events)."""
    state.energy = 100.0
    at = max(state.clock, state.busy_until)
    state, events = engine.apply_activity(state, at, action, content, target=target, options=options or None)
    activity = next(e for e in events if e.kind == "activity" and e.data["activity"] == action)
    return state, activity.data["effects"], events


def until(
    state: engine.LifeState, action: str, target: str, content: engine.Content, key: str = "accepted", tries: int = 40
) -> tuple[engine.LifeState, dict[str, Any], list[engine.Event]]:
    """Repeat `action` (a later moment is a new roll) until its effects say `key` is true."""
    for _ in range(tries):
        state.pending = []
        state, effects, events = act(state, action, target, content)
        if effects.get(key):
            return state, effects, events
        state.busy_until += engine.DAY * 3
    raise AssertionError(f"{action} never gave {key} in {tries} tries")

"""Death ends a life with a summary; after it, time passes but nothing happens."""

from __future__ import annotations

import pytest

from game.engine import DAY, YEAR, CharacterDead, advance_settling, apply_activity


def test_very_old_character_dies_with_summary(content, life):
    state = life(51, 68)
    state.born_at -= 40 * YEAR  # now 108
    state.age += 40
    events = []
    for _ in range(30):
        state, evs = advance_settling(state, state.clock + YEAR, content)
        events += evs
        if state.dead:
            break
    assert state.dead
    deaths = [e for e in events if e.milestone == "death"]
    assert len(deaths) == 1
    summary = deaths[0].data["summary"]
    assert summary == state.summary
    assert summary["age"] >= 108
    assert summary["cause"] in ("old age", "illness", "accident")
    assert {"job", "education", "money", "people", "stats", "lifetime"} <= set(summary)
    assert state.pending == []
    later, more = advance_settling(state, state.clock + 10 * DAY, content)
    assert more == [] and later.clock == state.clock + 10 * DAY
    with pytest.raises(CharacterDead):
        apply_activity(later, later.clock, "read", content)


def test_health_zero_is_death_by_illness_at_next_midnight(content, life):
    state = life(52, 30)
    state.health = 0
    state, events = advance_settling(state, state.clock + 2 * DAY, content)
    assert state.dead and state.cause_of_death == "illness"
    death = next(e for e in events if e.milestone == "death")
    assert death.at % DAY == 0

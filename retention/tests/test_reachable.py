"""Every one of the 44 achievements is reachable by the content: lives played on the engine by the
game's balance simulator (a curious, sensible player), counted by retention's own rules, unlock each
achievement exactly once for the one player who lives them one after the other."""

from collections import Counter
from typing import Any

import pytest

from game import engine, simulation
from game.content_files import load_content
from retention import rules, tally
from retention.services.content import read_files

MAX_LIVES = 120
# Seed 64 is the first of these lives to die at exactly 69 ("Nice", about 1 life in 40): lived first so
# the run stops after ~30 lives instead of 64. Were the content to change, the loop still goes on
# through seeds 1.. until every achievement has unlocked, or fails naming those never reached.
SEEDS = [64, *range(1, MAX_LIVES + 1)]


def _light(state: engine.LifeState) -> dict[str, Any]:
    """What tally.gauges reads, without serialising the whole life at every step."""
    return {
        "born_at": state.born_at,
        "clock": state.clock,
        "age": state.age,
        "money": state.money,
        "people": [{"affinity": p.affinity, "alive": p.alive} for p in state.people],
        "job": {"salary": state.job.salary, "level": state.job.level} if state.job else None,
        "assets": state.assets,
        "inventory": state.inventory,
    }


@pytest.fixture(scope="module")
def lived() -> tuple[Counter[str], int, rules.RetentionContent]:
    content = load_content()
    retention = rules.build(read_files())
    unlocked: Counter[str] = Counter()
    lifetime: dict[str, int] = {}
    lives = 0
    for seed in dict.fromkeys(SEEDS):
        life: dict[str, int] = {}

        def observe(state: engine.LifeState, events: list[engine.Event]) -> None:
            nonlocal life, lifetime
            if not events:
                return
            life, lifetime, moments, _ = tally.advance(life, lifetime, [e.to_dict() for e in events], _light(state))
            for a in rules.newly_unlocked(retention, set(unlocked), life, lifetime, moments):
                unlocked[a.id] += 1

        simulation.play_life(content, seed, "explorer", observe=observe)
        lives += 1
        if len(unlocked) == len(retention.achievements):
            break
    return unlocked, lives, retention


def test_every_achievement_unlocks_exactly_once_in_simulated_lives(lived):
    unlocked, lives, retention = lived
    missing = sorted(set(retention.achievements) - set(unlocked))
    assert not missing, f"not reached in {lives} lives: {missing}"
    assert all(n == 1 for n in unlocked.values())
    assert len(unlocked) == 44

"""Advancing many lives must stay cheap: a rough guard, well above the measured cost."""

from __future__ import annotations

import time

from game.engine import WEEK, advance

from .conftest import aged


def test_thousand_lives_one_week(content):
    templates = [aged(content, 70 + i, age) for i, age in enumerate((2, 9, 15, 22, 35, 50, 70))]
    lives = []
    for i in range(1000):
        s = templates[i % len(templates)].clone()
        s.seed = 10_000 + i
        lives.append(s)
    started = time.process_time()
    for s in lives:
        advance(s, s.clock, s.clock + WEEK, [], content)
    spent = time.process_time() - started
    print(f"1000 lives x 1 game week: {spent:.2f} CPU s")
    assert spent < 15

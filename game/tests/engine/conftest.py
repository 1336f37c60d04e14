"""Engine fixtures: the real content, and lives aged up by the engine itself (cached per session)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from game.content_files import load_content
from game.engine import YEAR, Content, LifeState, advance_settling, new_life

_CACHE: dict[tuple[int, int], LifeState] = {}


@pytest.fixture(scope="session")
def content() -> Content:
    """The game's own content files: the engine's tests do not depend on what apps above add (dating's
    content is tested in dating/tests, on the merged content)."""
    return load_content(with_apps=False)


def aged(content: Content, seed: int, years: int) -> LifeState:
    """A life born at 0 and lived (without player input) to `years` of age; returns a fresh copy."""
    key = (seed, years)
    if key not in _CACHE:
        state = new_life(seed, 0, content)
        state, _ = advance_settling(state, years * YEAR + 5 * 86400, content)
        _CACHE[key] = state
    return _CACHE[key].clone()


@pytest.fixture(scope="session")
def life(content: Content) -> Callable[[int, int], LifeState]:
    """life(seed, years) -> a living state of that age (seeds are walked forward if one died young)."""

    def make(seed: int, years: int) -> LifeState:
        for s in range(seed, seed + 50):
            state = aged(content, s, years)
            if not state.dead:
                return state
        raise AssertionError("no surviving life found")

    return make

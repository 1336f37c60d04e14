"""The mutable working copy of one engine call: the cloned state, the content and the events emitted so far."""

from __future__ import annotations

import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from . import rng as _rng
from .content import Content
from .state import Event, LifeState

_STAT_NAMES = frozenset({"health", "happiness", "smarts", "looks"})


class SafeFormat(dict):
    """`str.format_map` helper: unknown placeholders stay as written instead of raising in front of a player."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def clamp_energy(value: float, maximum: float) -> float:
    """The one rule for an energy level: between 0 and the content's maximum, to 3 decimals."""
    return round(max(0.0, min(maximum, value)), 3)


_NO_OPTIONS: Mapping[str, Any] = MappingProxyType({})


class Ctx:
    __slots__ = ("s", "c", "events", "options")

    def __init__(self, state: LifeState, content: Content) -> None:
        self.s = state
        self.c = content
        self.events: list[Event] = []
        # the current activity's options beyond its target (a planned date's venue, activity, gift)
        self.options: Mapping[str, Any] = _NO_OPTIONS

    def emit(self, kind: str, at: int, **data: Any) -> Event:
        ev = Event(kind=kind, at=at, data=data)
        self.events.append(ev)
        return ev

    def milestone(self, name: str, at: int, *, once: str | None = None, **data: Any) -> bool:
        """Emit a milestone; with `once`, only the first time that key is reached in this life."""
        if once is not None:
            if once in self.s.milestones:
                return False
            self.s.milestones.append(once)
        self.emit("milestone", at, milestone=name, **data)
        return True

    def add_stat(self, name: str, delta: int) -> int:
        """Clamp a 0..100 stat, gains shrinking above the content's soft cap (diminishing returns: a
        stat is hard to keep at the top); returns the change actually made."""
        if name not in _STAT_NAMES:
            raise KeyError(name)
        old = getattr(self.s, name)
        cap = self.c.config.stats.soft_cap
        if delta > 0 and old + delta > cap:
            below = max(0, cap - old)  # the part of the gain up to the soft cap counts in full
            above = (delta - below) * (100 - max(old, cap)) / (100 - cap)
            delta = below + int(above + 0.5)
        new = max(0, min(100, old + delta))
        setattr(self.s, name, new)
        return new - old

    def add_energy(self, delta: float) -> float:
        """Move energy by `delta` within 0..max; returns the change actually made."""
        old = self.s.energy
        new = clamp_energy(old + delta, self.c.config.energy.max)
        self.s.energy = new
        return new - old

    def add_money(self, delta: int) -> None:
        self.s.money += delta
        if delta > 0:
            self.s.bump("money_earned", delta)
        elif delta < 0:
            self.s.bump("money_spent", -delta)

    def roll(self, t: int, purpose: str) -> float:
        return _rng.roll(self.s.seed, t, purpose)

    def rng(self, t: int, purpose: str) -> random.Random:
        return _rng.rng(self.s.seed, t, purpose)

    def fmt(self, text: str, **extra: Any) -> str:
        s = self.s
        values = SafeFormat(player=s.name, city=s.location, job=s.job.title if s.job else "", **extra)
        return text.format_map(values)

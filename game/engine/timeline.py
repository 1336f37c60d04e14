"""Game-time units. The engine counts integer game seconds on one absolute game clock; the calendar hangs off it.

A game year is 12 months of 30 days (360 days) so months, terms and paydays line up without leap rules.
Day 0 of the clock is a Monday, 1 January.
"""

from __future__ import annotations

HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 360 * DAY
STEP = HOUR  # the engine's tick: every t with t % STEP == 0


def first_step_after(t: int) -> int:
    """The first step boundary strictly after t (steps run on the half-open span (start, end])."""
    return (t // STEP + 1) * STEP


def day_index(t: int) -> int:
    return t // DAY


def day_of_year(t: int) -> int:
    return (t // DAY) % 360


def weekday(t: int) -> int:
    """0 = Monday ... 6 = Sunday."""
    return (t // DAY) % 7


def hour_of_day(t: int) -> int:
    return (t // HOUR) % 24


def age_at(born_at: int, t: int) -> int:
    return max(0, (t - born_at) // YEAR)


def in_hours(hour: int, span: tuple[int, int] | list[int] | None) -> bool:
    """Is `hour` inside [start, end) of a daily span that may wrap midnight (e.g. sleep 22 -> 7)?"""
    if not span:
        return False
    start, end = span[0], span[1]
    if start <= end:
        return start <= hour < end
    return hour >= start or hour < end

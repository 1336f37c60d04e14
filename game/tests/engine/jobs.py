"""Applying for a job as a player does: the application, then the interview it invites to, answered."""

from __future__ import annotations

from game.engine import DAY, YEAR, Content, Event, Job, LifeState, apply_activity, apply_choice
from game.engine.content import Track


def employ(state: LifeState, track: Track, level: int, performance: float, years_in_level: int) -> Job:
    """Give the life a job in `track` at `level` (its title and salary), with no anniversary (a raise)
    inside a test's next few months."""
    lvl = track.levels[level]
    state.job = Job(
        track=track.id,
        level=level,
        title=lvl.title,
        salary=lvl.salary,
        performance=performance,
        hired_at=state.clock - 10 * YEAR + 180 * DAY,
        level_since=state.clock - years_in_level * YEAR,
        employer=track.employers[0],
    )
    return state.job


def apply_and_interview(
    state: LifeState, at: int, content: Content, target: str | None = None, answer: str = "prepared"
) -> tuple[LifeState, list[Event]]:
    """`apply_job` at `at`, then `answer` the interview it raised (if it raised one) at the same moment."""
    state, events = apply_activity(state, at, "apply_job", content, target=target)
    interview = next((q for q in state.pending if q.track), None)
    if interview is None:
        return state, events
    state, answered = apply_choice(state, state.clock, interview.id, answer, content)
    return state, events + answered

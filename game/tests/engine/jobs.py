"""Applying for a job as a player does: the application, then the interview it invites to, answered."""

from __future__ import annotations

from game.engine import Content, Event, LifeState, apply_activity, apply_choice


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

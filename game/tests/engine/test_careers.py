"""Careers: the job board says what is open and why not; special careers need a talent or a past."""

from __future__ import annotations

import pytest

from game.engine import DAY, HOUR, YEAR, NotAllowed, advance, advance_settling, apply_activity, apply_choice, job_board
from game.tests.engine.jobs import apply_and_interview


def test_special_careers_open_only_to_some_lives(content, life):
    state = life(81, 22)
    state.flags = [f for f in state.flags if f not in ("musician", "athlete")]
    state.looks, state.health = 40, 80
    board = {row["track"]: row for row in job_board(state, content)}
    assert {"acting", "music", "sports"} <= {t for t, row in board.items() if row["special"]}
    assert board["music"]["requirement"] == "Needs to play an instrument (music lessons, a band)."
    assert board["acting"]["requirement"] == "Needs looks of 65 or more."
    assert board["sports"]["requirement"] == "Needs a sporting past (a team, a black belt)."
    state.flags.append("musician")
    state.looks = 70
    board = {row["track"]: row for row in job_board(state, content)}
    assert board["music"]["qualifies"] and board["acting"]["qualifies"]
    assert board["music"]["requirement"] is None
    state.energy, state.busy_until, state.job = 100.0, 0, None
    after, events = apply_activity(state, state.clock, "apply_job", content, target="music")
    assert events[0].data["effects"]["track"] == "music"  # invited to an interview, not refused
    assert [q.track for q in after.pending if q.track] == ["music"]


def test_the_board_lists_open_jobs_first_best_paid_first(content, life):
    rows = job_board(life(82, 25), content)
    open_rows = [r for r in rows if r["qualifies"]]
    assert rows[: len(open_rows)] == open_rows
    assert [r["salary"] for r in open_rows] == sorted((r["salary"] for r in open_rows), reverse=True)


def _applied(content, life, seed: int, track: str = "service"):
    state = life(seed, 25)
    state.job, state.energy, state.busy_until = None, 100.0, 0
    state.pending = []
    return apply_activity(state, state.clock, "apply_job", content, target=track)


def test_applying_invites_to_an_interview_whose_answer_moves_the_odds(content, life):
    """The interview is a question about the job; answered well the odds rise, a lie found out sinks them."""
    hired = {"prepared": 0, "exaggerate": 0}
    for seed in range(40):
        state, events = _applied(content, life, 300 + seed)
        interview = next(q for q in state.pending if q.track == "service")
        assert "Dishwasher at" in interview.text and interview.template == "job_interview"
        assert state.job is None  # nothing decided before the answer
        named = interview.text.split("Your interview for ")[1].split(".")[0]  # "Dishwasher at Joe's Diner"
        for answer in hired:
            after, done = apply_choice(state.clone(), state.clock + 3 * HOUR, interview.id, answer, content)  # later
            hired[answer] += after.job is not None and after.job.track == "service"
            if after.job is not None:  # hired by the employer who interviewed
                assert f"{after.job.title} at {after.job.employer}" == named
            assert all(q.track is None for q in after.pending)
    assert hired["prepared"] > hired["exaggerate"] > 0  # a lie found out costs the job


def test_one_interview_at_a_time(content, life):
    state, _ = _applied(content, life, 350)
    state.energy, state.busy_until = 100.0, 0
    with pytest.raises(NotAllowed, match="interview"):
        apply_activity(state, state.clock, "apply_job", content, target="retail")


def test_an_interview_left_unanswered_is_decided_on_the_default_answer(content, life):
    state, _ = _applied(content, life, 351)
    interview = next(q for q in state.pending if q.track)
    after, events = advance_settling(state, interview.expires_at + DAY, content)
    settled = [e for e in events if e.kind == "question_resolved" and e.data["event_id"] == interview.id]
    assert settled and settled[0].data["by"] == "expiry" and "hired" in settled[0].data["effects"]


def test_a_job_pays_more_each_year_it_is_done_well(content, life):
    state = life(352, 30)
    state.pending = []
    state, _ = apply_and_interview(state, state.clock, content, target="service")
    for _attempt in range(20):
        if state.job is not None:
            break
        state.energy, state.busy_until = 100.0, 0
        state, _ = apply_and_interview(state, state.clock + DAY, content, target="service")
    assert state.job is not None
    start = state.job.salary
    state.job.performance = 90.0
    state, events = advance(state, state.clock, state.clock + YEAR + 40 * DAY, [], content)
    raises = [e for e in events if e.milestone == "raise"]
    if state.job is not None and state.job.track == "service" and state.job.level == 0:
        assert len(raises) == 1 and state.job.salary == start + raises[0].data["amount"] > start
    assert raises and raises[0].data["amount"] > 0

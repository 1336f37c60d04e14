"""Careers: the job board says what is open and why not; special careers need a talent or a past."""

from __future__ import annotations

from game.engine import apply_activity, job_board


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
    assert events[0].data["effects"].get("hired") in (True, False)  # the odds decide, not a refusal


def test_the_board_lists_open_jobs_first_best_paid_first(content, life):
    rows = job_board(life(82, 25), content)
    open_rows = [r for r in rows if r["qualifies"]]
    assert rows[: len(open_rows)] == open_rows
    assert [r["salary"] for r in open_rows] == sorted((r["salary"] for r in open_rows), reverse=True)

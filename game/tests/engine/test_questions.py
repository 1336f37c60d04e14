"""Question events: raised, answered, or resolved with their default when they expire."""

from __future__ import annotations

import pytest

from game.engine import DAY, EventNotFound, InvalidChoice, advance, apply_choice


def _first_question(content, state):
    """Advance day by day until a question is raised; returns (state, question event)."""
    for _ in range(200):
        state, events = advance(state, state.clock, state.clock + DAY, [], content)
        questions = [e for e in events if e.kind == "question" and e.data["template"] != "college_decision"]
        if questions:
            return state, questions[0]
    raise AssertionError("no question raised in 200 days")


def test_unanswered_question_resolves_with_default_at_expiry(content, life):
    state, q = _first_question(content, life(21, 9))
    pending = next(p for p in state.pending if p.id == q.data["event_id"])
    window = content.config.questions.window_real_hours * 3600 * content.config.pace  # real hours at the pace
    assert q.data["expires_at"] == pending.created_at + int(window)
    state, events = advance(state, state.clock, q.data["expires_at"], [], content)
    resolved = [e for e in events if e.kind == "question_resolved" and e.data["event_id"] == pending.id]
    assert len(resolved) == 1
    assert resolved[0].data["choice"] == pending.default
    assert resolved[0].data["by"] == "expiry"
    assert resolved[0].at == pending.expires_at
    assert all(p.id != pending.id for p in state.pending)


def test_answering_applies_the_choice_and_removes_the_question(content, life):
    state, q = _first_question(content, life(22, 20))
    other = next(c["id"] for c in q.data["choices"] if c["id"] != q.data["default"])
    at = state.clock + 1
    after, events = apply_choice(state, at, q.data["event_id"], other, content)
    resolved = [e for e in events if e.kind == "question_resolved"]
    assert resolved[-1].data["choice"] == other
    assert resolved[-1].data["by"] == "player"
    assert all(p.id != q.data["event_id"] for p in after.pending)
    assert after.counters["questions_answered"] == state.counters["questions_answered"] + 1
    with pytest.raises(EventNotFound):
        apply_choice(after, at, q.data["event_id"], other, content)


def test_expired_or_unknown_question_is_not_found_and_nothing_changes(content, life):
    state, q = _first_question(content, life(23, 14))
    before = state.to_dict()
    with pytest.raises(EventNotFound):
        apply_choice(state, q.data["expires_at"], q.data["event_id"], q.data["default"], content)
    with pytest.raises(EventNotFound):
        apply_choice(state, state.clock, "q-does-not-exist", "x", content)
    with pytest.raises(InvalidChoice) as wrong:
        apply_choice(state, state.clock, q.data["event_id"], "no-such-choice", content)
    assert state.to_dict() == before
    # a sentence for a person, naming the answers there are (not "event 'q28' has no choice 'nope'")
    assert wrong.value.args[0].startswith("That is not one of the answers. Choose one of: ")
    assert all(f"{c['id']} ({c['text']})" in wrong.value.args[0] for c in q.data["choices"])


def test_question_payload_matches_protocol(content, life):
    _, q = _first_question(content, life(24, 30))
    assert {"event_id", "text", "choices", "expires_at", "default"} <= set(q.data)
    assert 2 <= len(q.data["choices"]) <= 4
    assert all(set(c) == {"id", "text"} for c in q.data["choices"])
    assert "{" not in q.data["text"]

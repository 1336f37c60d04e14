"""Conversations: sentiment moves affinity, shaped by personality and relationship; replies are deterministic."""

from __future__ import annotations

import pytest

from game.engine import BadInput, NotAllowed, PersonNotFound, apply_talk


def _with(state, relation, **traits):
    p = next(p for p in state.people if p.alive)
    p.relation = relation
    p.affinity = 0.0
    p.traits = {
        "openness": 0.5,
        "conscientiousness": 0.5,
        "extraversion": 0.5,
        "agreeableness": 0.5,
        "neuroticism": 0.5,
        **traits,
    }
    return p


def test_positive_talk_raises_affinity_and_replies(content, life):
    state = life(41, 20)
    p = _with(state, "friend")
    after, events, reply, change = apply_talk(state, state.clock, p.id, "You're great!", 0.8, content)
    assert change > 0
    assert after.person(p.id).affinity == pytest.approx(change)
    assert reply and "{" not in reply
    assert events[-1].kind == "conversation" and events[-1].data["reply"] == reply
    assert after.counters["conversations"] == state.counters["conversations"] + 1
    again = apply_talk(state, state.clock, p.id, "You're great!", 0.8, content)
    assert again[2] == reply and again[3] == change


def test_personality_and_family_shape_the_change(content, life):
    state = life(42, 20)

    def change(relation, sentiment, **traits):
        s = state.clone()
        p = _with(s, relation, **traits)
        return apply_talk(s, s.clock, p.id, "...", sentiment, content)[3]

    assert change("friend", 0.8, agreeableness=0.9) > change("friend", 0.8, agreeableness=0.1)
    assert change("friend", 0.8, neuroticism=0.9) < change("friend", 0.8, neuroticism=0.1)
    assert change("sibling", -0.8) > change("friend", -0.8)  # family forgives more (smaller loss)
    assert change("friend", -0.8) < 0


def test_reply_uses_relation_specific_lines(content, life):
    state = life(43, 20)
    p = _with(state, "coworker")
    reply = apply_talk(state, state.clock, p.id, "You are awful", -0.9, content)[2]
    lines = {
        line for r in content.replies if r.bucket == "very_negative" and r.relation == "coworker" for line in r.lines
    }
    assert reply in lines


def test_a_parent_speaks_to_a_grown_child_as_to_a_grown_up(content, life):
    """ "Go to your room" is for a child; a 40-year-old hears lines meant for an adult."""
    for years, stage in ((8, "child"), (40, "adult")):
        state = life(44, years)
        assert state.stage == stage
        fitting = {
            line
            for r in content.replies
            if r.bucket == "very_negative" and r.relation == "parent" and stage in r.player_stages
            for line in r.lines
        }
        for i in range(6):
            p = _with(state, "parent")
            reply = apply_talk(state, state.clock + i, p.id, "You are awful", -0.9, content)[2]
            assert reply in fitting
    assert "Go to your room and think about what you said." not in {
        line for r in content.replies if "adult" in r.player_stages for line in r.lines
    }


def test_refusals(content, life):
    baby = life(44, 1)
    with pytest.raises(NotAllowed):
        apply_talk(baby, baby.clock, baby.people[0].id, "goo", 0.5, content)
    state = life(44, 20)
    before = state.to_dict()
    with pytest.raises(PersonNotFound):
        apply_talk(state, state.clock, "nobody", "hi", 0.1, content)
    with pytest.raises(BadInput):
        apply_talk(state, state.clock, state.people[0].id, "hi", 3.0, content)
    assert state.to_dict() == before

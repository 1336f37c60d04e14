"""Careers (promotion, firing, CEO, retirement) and education (enrolment, exams, graduation, college)."""

from __future__ import annotations

from game.engine import DAY, YEAR, advance, advance_settling, apply_activity, apply_choice
from game.tests.engine.jobs import employ as _job


def _milestones(events, name):
    return [e for e in events if e.milestone == name]


def test_promotion_to_ceo(content, life):
    state = life(61, 40)
    state.education.graduated = ["elementary", "high_school", "college", "graduate"]
    state.education.major = "business"
    state.smarts = state.happiness = state.health = 100
    business = content.tracks["business"]
    _job(state, business, len(business.levels) - 2, 100.0, 10)
    state, events = advance_settling(state, state.clock + 31 * DAY, content)
    assert state.job.title == "Chief Executive Officer"
    assert _milestones(events, "promotion") and _milestones(events, "became_ceo")


def test_no_promotion_without_education(content, life):
    state = life(62, 40)
    state.education.graduated = ["elementary", "high_school"]
    _job(state, content.tracks["business"], 0, 100.0, 10)
    state, events = advance_settling(state, state.clock + 31 * DAY, content)
    assert state.job.level == 0 and not _milestones(events, "promotion")


def test_low_performance_gets_fired(content, life):
    state = life(63, 30)
    _job(state, content.tracks["service"], 1, 2.0, 1)
    state.smarts = state.happiness = 0
    state, events = advance_settling(state, state.clock + 31 * DAY, content)
    assert state.job is None and _milestones(events, "fired")


def test_paydays_every_14_days(content, life):
    state = life(64, 30)
    _job(state, content.tracks["trades"], 1, 60.0, 0)
    state, events = advance_settling(state, state.clock + 56 * DAY, content)  # a decision may come up
    paydays = [e for e in events if e.kind == "payday"]
    assert len(paydays) == 4
    assert all(e.data["amount"] == 45000 * 14 // 360 for e in paydays)
    assert all((e.at // DAY) % 14 == 0 for e in paydays)


def test_retirement_by_choice_and_pension(content, life):
    state = life(65, 60)
    _job(state, content.tracks["education"], 2, 60.0, 1)
    state.busy_until = 0
    state, events = apply_activity(state, state.clock, "retire", content)
    assert state.retired and state.job is None and state.pension == int(52000 * 0.4)
    assert _milestones(events, "retired")


def test_school_from_six_to_college_graduation(content):
    from game.engine import new_life

    state = new_life(66, 0, content)
    state.smarts = 90
    state, events = advance(state, 0, 18 * YEAR + 2 * DAY, [], content)
    grads = [e.data["level"] for e in _milestones(events, "graduation")]
    assert grads[:1] == ["elementary"]
    assert any(e.kind == "exam" for e in events)
    assert state.education.graduated == ["elementary", "high_school"]
    q = next(p for p in state.pending if p.template == "college_decision")
    state, _ = apply_choice(state, state.clock, q.id, "business", content)
    assert state.education.stage == "college" and state.education.major == "business"
    state.smarts = 100
    state, events = advance_settling(state, state.clock + 4 * YEAR + 2 * DAY, content)
    # the engine is deterministic: with this seed and smarts 100 the student graduates (no drop-out)
    assert state.education.graduated == ["elementary", "high_school", "college"]
    assert not [e for e in events if e.kind == "message" and e.data.get("topic") == "dropped_out"]
    assert [e.data["level"] for e in _milestones(events, "graduation")] == ["college"]


def _raise(content, state, template_id):
    """Put one specific question in front of the player (test helper over the engine's internals)."""
    from game.engine import questions
    from game.engine.ctx import Ctx

    ctx = Ctx(state.clone(), content)
    q = questions.raise_event(ctx, ctx.s.clock, content.events[template_id])
    assert q is not None
    return ctx.s, q


def test_graduate_school_keeps_major_and_graduates(content, life):
    state = life(67, 22)
    state.education.graduated = ["elementary", "high_school", "college"]
    state.education.major = "law"
    state.education.stage = "none"
    state, q = _raise(content, state, "graduate_school_offer")
    state, events = apply_choice(state, state.clock, q.id, "accept", content)
    assert (state.education.stage, state.education.major) == ("graduate", "law")
    state.smarts = 100
    state, events = advance_settling(state, state.clock + 2 * YEAR + 2 * DAY, content)
    grads = [e.data for e in _milestones(events, "graduation")]
    assert grads and grads[0]["level"] == "graduate" and grads[0]["major"] == "law"
    assert state.education.highest == "graduate"


def test_marriage_and_child_through_choices(content, life):
    state = life(68, 28)
    state.people[-1].relation = "partner"
    partner_id = state.people[-1].id
    for i in range(20):
        s, q = _raise(content, state, "ya_proposal")
        s, events = apply_choice(s, s.clock + i, q.id, "propose", content)
        if _milestones(events, "marriage"):
            state = s
            break
    assert state.person(partner_id).relation == "spouse"
    for i in range(20):
        s, q = _raise(content, state, "adult_baby")
        s, events = apply_choice(s, s.clock + i, q.id, "yes", content)
        if _milestones(events, "child_born"):
            state = s
            break
    assert any(p.relation == "child" and p.age == 0 for p in state.people)
    assert state.counters["children"] == 1

"""Consequences: gains shrink near the top, what is not kept up drifts, debt costs, poor health kills."""

from __future__ import annotations

import pytest

from game import engine
from game.engine import (
    DAY,
    MONTH,
    YEAR,
    Job,
    NotAllowed,
    advance_settling,
    apply_activity,
    apply_choice,
)
from game.engine.ctx import Ctx
from game.engine.death import _frailty
from game.engine.people import add_person, change_affinity
from game.engine.sim import BANKRUPTCY
from game.tests.engine.jobs import employ
from game.tests.questions import pending


def test_gains_shrink_above_the_soft_cap(content, life):
    ctx = Ctx(life(41, 30), content)
    ctx.s.smarts = 60
    assert ctx.add_stat("smarts", 5) == 5  # below the cap: in full
    ctx.s.smarts = 85
    assert ctx.add_stat("smarts", 4) == 2  # half way from 70 to 100: half
    ctx.s.smarts = 98
    assert ctx.add_stat("smarts", 3) == 0  # near the top a small gain is lost
    ctx.s.smarts = 98
    assert ctx.add_stat("smarts", -3) == -3  # losses are never scaled


def test_affinity_near_its_best_grows_slowly(content, life):
    state = life(42, 30)
    ctx = Ctx(state, content)
    parent = next(p for p in state.people if p.relation == "parent")
    parent.affinity = 90.0
    assert change_affinity(ctx, state.clock, parent, 10, "test") == 2.5  # (100-90)/40 of the gain
    parent.affinity = 20.0
    assert change_affinity(ctx, state.clock, parent, 10, "test") == 10


def test_looks_and_smarts_drift_down_without_upkeep(content, life):
    state = life(43, 45)
    state.looks, state.smarts = 90, 90
    later, _ = advance_settling(state, state.clock + YEAR, content)
    assert later.looks < 90 and later.smarts < 90


def test_debt_costs_interest_and_deep_debt_ends_in_bankruptcy(content, life):
    state = life(44, 30)
    state.job = None
    state.recent.pop(BANKRUPTCY, None)  # no filing in the years before
    state.money = -50_000
    after, events = advance_settling(state, state.clock + MONTH + 1, content)
    assert after.money < -50_000 - content.config.bills.monthly_living  # interest on top of the bills
    state.money = -150_000
    after, events = advance_settling(state, state.clock + MONTH + 1, content)
    assert "bankrupt" in after.flags and after.money >= -content.config.bills.monthly_living * 2
    assert any(e.kind == "message" and e.data.get("topic") == "bankruptcy" for e in events)


def test_poor_health_raises_the_hazard_of_dying(content, life):
    ctx = Ctx(life(45, 30), content)
    ctx.s.health = 80
    assert _frailty(ctx) == 1.0
    ctx.s.health = 0
    assert _frailty(ctx) == 1.0 + content.config.health.poor_health_hazard


def test_a_sentence_is_a_life_state_until_release(content, life):
    state = life(46, 30)
    state.job = Job("retail", 0, "Clerk", 30_000, 50.0, 0, 0, "Shop")
    state.flags.append("arrested")
    court = pending(content, state, "adult_court_date")
    jailed, events = apply_choice(state, state.clock, court.id, "guilty", content)
    assert jailed.job is None and "in_prison" in jailed.flags and "criminal_record" in jailed.flags
    assert jailed.prison_until == jailed.clock + 2 * YEAR
    assert any(e.data.get("text") == "You were sentenced to 2 years in prison." for e in events)
    jailed.energy, jailed.busy_until = 100.0, 0
    with pytest.raises(NotAllowed, match="Not from a prison cell"):
        apply_activity(jailed, jailed.clock, "party", content)
    apply_activity(jailed, jailed.clock, "read", content)  # reading is allowed inside
    free, events = advance_settling(jailed, jailed.clock + 2 * YEAR + 2 * DAY, content)
    assert free.prison_until is None and "in_prison" not in free.flags and "criminal_record" in free.flags
    assert any(e.data.get("topic") == "released" for e in events)


def test_months_of_low_mood_become_depression_until_happiness_returns(content, life):
    state = life(47, 35)
    state.happiness, state.health = 5, 90
    state.flags = [f for f in state.flags if f != "depressed"]
    months = content.config.mood.months_to_depression
    low, events = advance_settling(state, state.clock + (months + 1) * MONTH, content)
    assert "depressed" in low.flags  # the monthly mood fade lifts 5 only slowly: still low after 3 months
    assert any(e.data.get("topic") == "depressed" for e in events)
    low.happiness = 80
    later, events = advance_settling(low, low.clock + MONTH + 1, content)
    assert "depressed" not in later.flags


def test_rent_until_a_home_of_ones_own_and_richer_lives_spend_more(content, life):
    b = content.config.bills
    state = life(45, 30)
    employ(state, content.tracks["business"], 0, 60.0, 0).salary = 120_000
    state.assets = []
    _, events = advance_settling(state, state.clock + MONTH + 1, content)
    bill = next(e for e in events if e.kind == "bill")
    assert bill.data["items"]["rent"] == b.rent_per_month
    assert bill.data["items"]["living"] == b.monthly_living + int(b.lifestyle_share * 120_000 / 12)
    state.assets = [{"id": "a1", "item": "house", "name": "Starter House", "bought_at": state.clock, "price": 180_000}]
    _, events = advance_settling(state, state.clock + MONTH + 1, content)
    bill = next(e for e in events if e.kind == "bill")
    assert "rent" not in bill.data["items"] and bill.data["items"]["upkeep"] >= content.items["house"].upkeep_per_month


def test_bankruptcy_wipes_the_slate_once_and_not_again_for_years(content, life):
    state = life(46, 30)
    state.job = None
    state.recent.pop(BANKRUPTCY, None)
    state.money = -150_000
    state, events = advance_settling(state, state.clock + MONTH + 1, content)
    assert [e.data["topic"] for e in events if e.kind == "message" and e.data.get("topic") == "bankruptcy"]
    state.money = -150_000  # deep in debt again the next year
    state, events = advance_settling(state, state.clock + YEAR, content)
    assert not any(e.kind == "message" and e.data.get("topic") == "bankruptcy" for e in events)
    assert state.money < -150_000  # the debt stays, and grows
    assert any(e.kind == "message" and e.data.get("topic") == "collections" for e in events)


def test_a_student_pays_tuition_and_student_living_not_rent(content, life):
    b = content.config.bills
    state = life(47, 19)
    state.job = None
    state.education.stage = "college"
    _, events = advance_settling(state, state.clock + MONTH + 1, content)
    bill = next(e for e in events if e.kind == "bill")
    assert bill.data["items"]["living"] == b.student_living and "rent" not in bill.data["items"]
    assert bill.data["items"]["tuition"] == b.tuition_per_month["college"]


def test_moving_away_changes_where_the_life_is(content, life):
    state = life(48, 24)
    home = state.location
    move = pending(content, state, "ya_move_city")
    after, events = apply_choice(state, state.clock, move.id, "move", content)
    assert after.location != home and after.location in content.names.cities
    assert any(e.kind == "message" and e.data["text"] == f"You moved to {after.location}." for e in events)
    kept, _ = apply_choice(state, state.clock, move.id, "stay", content)
    assert kept.location == home  # staying keeps the city


def test_no_two_children_share_a_first_name(content, life):
    state = life(49, 30)
    state.people = [p for p in state.people if p.relation != "child"]
    ctx = Ctx(state, content)
    for i in range(content.config.max_children):
        add_person(ctx, state.clock + i, "child", f"test:{i}")
    firsts = [p.name.split()[0] for p in state.people if p.relation in ("child", "sibling", "parent")]
    assert len(firsts) == len(set(firsts)) and state.name.split()[0] not in firsts


def test_no_sibling_shares_a_first_name_with_the_family(content):
    """A player named Aisha met a sister called Aisha (a play-through): siblings drawn at birth avoid the
    baby's and each other's first names, as children born later do."""
    for seed in range(300):
        state = engine.new_life(seed, 0, content)
        firsts = [state.name.split()[0]] + [p.name.split()[0] for p in state.people if p.relation == "sibling"]
        assert len(firsts) == len(set(firsts)), (seed, firsts)

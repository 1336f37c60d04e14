"""Every relationship, family and date-moment script dating ships is reachable: for each one a life
state built from its own conditions raises it, about a person who fits; and its choices can be played."""

from __future__ import annotations

import functools

import pytest

from dating.life import contents
from dating.tests.lives import adult, person
from game import engine
from game.content_files import load_content
from game.engine import questions
from game.engine.ctx import Ctx
from game.engine.outcomes import resolve

CONTENT = load_content()
SCRIPTS = contents.read()["events"]
STAGE_AGE = {"baby": 1, "child": 8, "teen": 16, "young_adult": 25, "adult": 40, "elder": 70}


def test_at_least_40_relationship_scripts_and_the_family_and_date_ones():
    ids = [e["id"] for e in SCRIPTS]
    assert len([i for i in ids if i.startswith("rel_")]) >= 40
    assert len([i for i in ids if i.startswith("kid_")]) >= 10
    assert len([i for i in ids if i.startswith("date_moment_")]) >= 4
    assert all(i in CONTENT.events for i in ids)


def _life_for(tpl: engine.content.EventTemplate) -> tuple[engine.LifeState, engine.Person | None]:
    ages = [STAGE_AGE[st] for st in tpl.stages]
    age = min(
        max(a for a in ages if tpl.min_age <= a <= tpl.max_age)
        if any(tpl.min_age <= a <= tpl.max_age for a in ages)
        else tpl.min_age,
        tpl.max_age,
    )
    s = _base(max(age, 1)).clone()
    s.money = max(50_000, (tpl.requires.min_money or 0) + 1)
    s.recent = {}
    req = tpl.requires
    s.flags = list(req.flags)
    s.people = [p for p in s.people if p.relation in ("parent", "sibling")]
    if req.lacks_relation:
        lacks = (req.lacks_relation,) if isinstance(req.lacks_relation, str) else req.lacks_relation
        s.people = [p for p in s.people if p.relation not in lacks]
    for stat, least in req.min_stats.items():
        setattr(s, stat, max(getattr(s, stat), least))
    if req.employed:
        s.job = engine.Job("business", 0, "Clerk", 30_000, 50.0, s.clock, s.clock, "Acme")
    if req.employed is False:
        s.job = None
    if req.retired:
        s.retired = True
    if req.has_relation:
        person(s, req.has_relation, age=max(18, s.age - 25) if req.has_relation == "child" else 30)
    subject = None
    if tpl.subject:
        who = tpl.who
        lo, hi = max(who.min_age, 0), min(who.max_age, 120)
        subject_age = min(max(lo, 30 if tpl.subject not in ("child",) else lo), hi)
        affinity = min(max(who.min_affinity, 50.0), who.max_affinity)
        subject = person(
            s,
            tpl.subject,
            age=subject_age,
            affinity=affinity,
            memory=list(who.memory),
            since=s.clock - int(who.min_years * engine.YEAR) - engine.DAY,
        )
    return s, subject


@functools.cache
def _base(age: int) -> engine.LifeState:
    return adult(CONTENT, seed=11, age=age)


@pytest.mark.parametrize("event_id", [e["id"] for e in SCRIPTS])
def test_every_script_is_reachable_and_playable(event_id):
    tpl = CONTENT.events[event_id]
    s, subject = _life_for(tpl)
    ctx = Ctx(s, CONTENT)
    at = s.clock
    assert questions.eligible(ctx, tpl, at), f"{event_id}: not eligible in the life built for it"
    q = questions.raise_event(ctx, at, tpl, subject=subject)
    assert q is not None
    if subject is not None:
        assert q.person_id == subject.id and questions.fits(tpl, subject, at)
        assert "{name}" not in q.text
    for choice in tpl.choices:  # each answer can be given and applies cleanly
        copy = Ctx(ctx.s.clone(), CONTENT)
        pending = next(p for p in copy.s.pending if p.id == q.id)
        resolve(copy, at, pending, choice.id, by="player")
        assert all(p.id != q.id for p in copy.s.pending)


def test_a_script_that_changes_who_is_in_the_life_is_major():
    """A skip never takes such a decision for the player: it stops for it (PROTOCOL.md, time skips)."""
    heavy = {"relation_change", "divorce", "add_person", "adopt", "move"}
    for e in SCRIPTS:
        tpl = CONTENT.events[e["id"]]
        changes = any(heavy & set(o.effects.model_dump(exclude_defaults=True)) for c in tpl.choices for o in c.outcomes)
        if changes and tpl.random:
            assert tpl.major, f"{tpl.id} changes who is in the life but a skip would answer it"


def test_the_games_child_events_fit_the_childs_age():
    for eid, (lo, hi) in {
        "adult_kid_first_day": (5, 6),
        "adult_college_fund": (17, 19),
        "adult_teen_car": (16, 19),
    }.items():
        tpl = CONTENT.events[eid]
        assert (tpl.who.min_age, tpl.who.max_age) == (lo, hi)
        s, kid = _life_for(tpl)
        kid.age = hi + 5
        assert not questions.eligible(Ctx(s, CONTENT), tpl, s.clock)

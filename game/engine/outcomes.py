"""Applying content `Effects` to a life, and resolving question events (by the player or by expiry)."""

from __future__ import annotations

from typing import Any

from . import bonds, career, school
from .assets import acquire
from .content import Effects, Item
from .ctx import Ctx
from .death import die
from .people import add_person, adopt, change_affinity
from .questions import fits, raise_system
from .state import PendingQuestion, Person

_STATS = ("health", "happiness", "smarts", "looks")


def apply_effects(
    ctx: Ctx, at: int, eff: Effects, subject: Person | None, purpose: str, question: PendingQuestion | None = None
) -> dict[str, Any]:
    """Apply one outcome; returns what actually changed, for the event payload."""
    s = ctx.s
    changed: dict[str, Any] = {}
    for name in _STATS:
        delta = getattr(eff, name)
        if delta:
            real = ctx.add_stat(name, delta)
            if real:
                changed[name] = real
    if eff.energy:
        changed["energy"] = round(ctx.add_energy(eff.energy), 3)
    if eff.money:
        ctx.add_money(eff.money)
        changed["money"] = eff.money
    if eff.performance and s.job is not None:
        s.job.performance = round(max(0.0, min(100.0, s.job.performance + eff.performance)), 2)
        changed["performance"] = eff.performance
    if eff.affinity and subject is not None and subject.alive:
        changed["affinity"] = change_affinity(ctx, at, subject, eff.affinity, purpose)
    for rel, delta in eff.affinity_relation.items():
        for p in s.people:
            if p.alive and p.relation == rel:
                change_affinity(ctx, at, p, delta, purpose)
    for f in eff.set_flags:
        if f not in s.flags:
            s.flags.append(f)
    for f in eff.clear_flags:
        if f in s.flags:
            s.flags.remove(f)
    if eff.item:
        acquire(ctx, at, eff.item)
        changed["item"] = eff.item
    if eff.drop_out and s.education.stage != "none":
        school.leave(ctx, at, graduated=False)
    if eff.enroll:
        school.enroll(ctx, at, eff.enroll, eff.major)
    if eff.quit_job:
        career.quit_job(ctx, at)
    if eff.hire:
        changed["hired"] = career.hire(ctx, at, eff.hire)
    if eff.retire:
        career.retire(ctx, at)
    if eff.interview is not None and question is not None and question.track:
        changed["hired"] = career.decide_interview(ctx, at, question, eff.interview)
    if subject is not None and subject.alive:
        if eff.remember:
            bonds.remember(subject, *eff.remember)
        if eff.forget:
            bonds.forget(subject, *eff.forget)
        if eff.divorce and subject.relation == "spouse":
            split = bonds.divorce(ctx, at, subject)
            if "money" in split:
                split["money"] += changed.get("money", 0)
            changed.update(split)
        elif eff.relation_change:
            bonds.set_relation(ctx, at, subject, eff.relation_change)
    if eff.add_person:
        add_person(ctx, at, eff.add_person, purpose)
    if eff.adopt:
        adopt(ctx, at, purpose)
    if eff.move:
        cities = [c for c in ctx.c.names.cities if c != s.location]
        if cities:
            s.location = ctx.rng(at, f"move:{purpose}").choice(cities)
            changed["location"] = s.location
            ctx.emit("message", at, topic="moved", text=f"You moved to {s.location}.")
    if eff.prison_years:
        changed["prison_years"] = eff.prison_years
        career.imprison(ctx, at, eff.prison_years)
    if eff.die:
        die(ctx, at, eff.die)
    return changed


def resolve(ctx: Ctx, at: int, q: PendingQuestion, choice_id: str, *, by: str) -> None:
    """Pick the outcome of a choice (weighted, keyed by the question and moment) and apply it."""
    s = ctx.s
    s.pending.remove(q)
    tpl = ctx.c.events.get(q.template)
    choice = next((c for c in tpl.choices if c.id == choice_id), None) if tpl else None
    if choice is None:  # template removed from content since the question was raised: drop it quietly
        ctx.emit("question_resolved", at, event_id=q.id, template=q.template, choice=choice_id, by=by, text="")
        return
    outcome = choice.outcomes[0]
    if len(choice.outcomes) > 1:
        r = ctx.rng(at, f"outcome:{q.id}")
        outcome = r.choices(choice.outcomes, weights=[o.weight for o in choice.outcomes])[0]
    subject = s.person(q.person_id) if q.person_id else None
    s.bump("questions_answered" if by == "player" else "questions_expired")
    name = subject.name if subject else ""
    ev = ctx.emit(
        "question_resolved",
        at,
        event_id=q.id,
        template=q.template,
        choice=choice.id,
        by=by,
        text=ctx.fmt(outcome.text, name=name),
        person_id=q.person_id,
        effects={},
    )
    ev.data["effects"] = apply_effects(ctx, at, outcome.effects, subject, f"question:{q.id}", q)
    if tpl is not None and tpl.follow_up and not s.dead:
        nxt = ctx.c.events[tpl.follow_up]
        same = subject if subject is not None and subject.alive and fits(nxt, subject, at) else None
        raise_system(ctx, at, tpl.follow_up, subject=same)  # a chain about one person stays about them


def expire_due(ctx: Ctx, t: int) -> None:
    for q in [q for q in ctx.s.pending if q.expires_at <= t]:
        if q in ctx.s.pending:
            resolve(ctx, t, q, q.default, by="expiry")


def gift(ctx: Ctx, at: int, item: Item) -> None:
    """An item given, not bought: kept like a purchase, its effects once, and the player told."""
    acquire(ctx, at, item.id)
    changed = apply_effects(ctx, at, item.effects, None, f"gift:{item.id}")
    ctx.emit("message", at, topic="gift", text=f"You received a gift: {item.name}.", item=item.id, effects=changed)

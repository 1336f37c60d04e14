"""Player actions on a working copy: activities, answers to questions, conversations.

Each validates everything before it changes anything, so a refusal inside `advance` leaves no partial change.
"""

from __future__ import annotations

import math
from typing import Any

from . import career
from .content import EDU_RANK, FAMILY, TRAITS, Activity
from .ctx import Ctx
from .errors import (
    BadInput,
    Busy,
    CharacterDead,
    EventNotFound,
    InsufficientEnergy,
    InsufficientMoney,
    InvalidChoice,
    NotAllowed,
    PersonNotFound,
    UnknownActivity,
    UnknownTarget,
)
from .outcomes import apply_effects, resolve
from .people import add_person, change_affinity
from .rules import unmet
from .state import Person
from .timeline import HOUR


# ---- activities ----------------------------------------------------------------------------------------------------
def do_activity(
    ctx: Ctx, at: int, activity_id: str, target: str | None = None, *, unlimited_energy: bool = False
) -> None:
    """Do an activity. With `unlimited_energy` (a purchase) it is neither refused nor charged for
    energy; its own energy effect (a nap's rest) still applies."""
    s = ctx.s
    act = ctx.c.activities.get(activity_id)
    if act is None:
        raise UnknownActivity(f"no activity {activity_id!r}", activity=activity_id)
    if s.dead:
        raise CharacterDead("this life has ended")
    if s.stage not in act.stages or s.age < act.min_age:
        raise NotAllowed(f"{act.name} is not possible at this stage of life", activity=act.id, stage=s.stage)
    reason = unmet(s, act.requires)
    if reason:
        raise NotAllowed(f"{act.name}: {reason}", activity=act.id)
    if at < s.busy_until:
        raise Busy(f"busy until {s.busy_until}", busy_until=s.busy_until)
    if not unlimited_energy and s.energy < act.energy_cost:
        raise InsufficientEnergy(
            f"{act.name} needs {act.energy_cost} energy", energy=s.energy, required=act.energy_cost
        )
    plan = _plan(ctx, at, act, target)
    price = plan.get("price", 0) + max(0, -act.effects.money)
    if price and s.money < price:
        raise InsufficientMoney(f"{act.name} costs {price}", money=s.money, price=price)

    # ---- from here on: mutate --------------------------------------------------------------------------------------
    if not unlimited_energy:
        ctx.add_energy(-act.energy_cost)
    s.busy_until = at + act.hours * HOUR
    s.bump("activities")
    if plan.get("price"):
        ctx.add_money(-plan["price"])
    ev = ctx.emit("activity", at, activity=act.id, name=act.name, target=target, hours=act.hours, effects={})
    subject = plan.get("person")
    changed = apply_effects(ctx, at, act.effects, subject, f"activity:{act.id}")
    changed.update(_special(ctx, at, act, plan))
    ev.data["effects"] = changed
    ev.data["energy"] = s.energy


def _person_target(ctx: Ctx, act: Activity, target: str | None) -> Person | None:
    if target is None:
        return None
    p = ctx.s.person(target)
    if p is None:
        raise PersonNotFound(f"no person {target!r}", person_id=target)
    if not p.alive:
        raise NotAllowed(f"{p.name} has died", person_id=target)
    if act.target_relations and p.relation not in act.target_relations:
        raise UnknownTarget(f"{act.name} is not something to do with your {p.relation}", person_id=target)
    return p


def _plan(ctx: Ctx, at: int, act: Activity, target: str | None) -> dict[str, Any]:
    """Check the target and work out everything a special activity will need, without changing state."""
    s = ctx.s
    sp = act.special
    plan: dict[str, Any] = {}
    if sp in ("date", "socialize", "visit_family"):
        plan["person"] = _person_target(ctx, act, target)
    elif sp == "apply_job":
        if target is not None:
            track = ctx.c.tracks.get(target)
            if track is None:
                raise UnknownTarget(f"no career track {target!r}", track=target)
            if s.job is not None and s.job.track == target:
                raise NotAllowed(f"you already work in {track.name}", track=target)
            if not career.qualifies(ctx, track, track.levels[0]):
                raise NotAllowed(f"you do not qualify for {track.name}", track=target)
            plan["track"] = target
        else:
            tracks = [t.id for t in career.open_tracks(ctx) if not (s.job and s.job.track == t.id)]
            if not tracks:
                raise NotAllowed("there is no job you qualify for")
            plan["track"] = ctx.rng(at, "apply_job:track").choice(tracks)
    elif sp == "shop":
        if target is not None:
            item = ctx.c.items.get(target)
            if item is None:
                raise UnknownTarget(f"no item {target!r}", item=target)
            if s.age < item.min_age:
                raise NotAllowed(f"you are too young for {item.name}", item=target)
        else:
            affordable = [i for i in ctx.c.items.values() if i.price <= s.money and s.age >= i.min_age]
            if not affordable:
                raise InsufficientMoney("nothing in the shop is affordable", money=s.money)
            item = ctx.rng(at, "shop:item").choice(affordable)
        plan["item"] = item.id
        plan["price"] = item.price
    elif sp == "doctor":
        if s.age >= 18:
            plan["price"] = ctx.c.config.health.doctor_price
    elif sp == "retire":
        if s.retired:
            raise NotAllowed("already retired")
        if s.age < ctx.c.config.career.min_retirement_age:
            raise NotAllowed(f"retirement starts at {ctx.c.config.career.min_retirement_age}")
    elif sp == "quit_job" and s.job is None:
        raise NotAllowed("you have no job")
    elif sp == "work_overtime" and s.job is None:
        raise NotAllowed("you have no job")
    return plan


def _special(ctx: Ctx, at: int, act: Activity, plan: dict[str, Any]) -> dict[str, Any]:
    s = ctx.s
    sp = act.special
    out: dict[str, Any] = {}
    r = ctx.rng(at, f"activity:{act.id}")
    person: Person | None = plan.get("person")
    if sp == "apply_job":
        track = ctx.c.tracks[plan["track"]]
        chance = ctx.c.config.career.hire_base_chance + (s.smarts - 50) / 200 + (s.looks - 50) / 400
        chance += 0.05 * EDU_RANK[s.education.highest]
        if r.random() < chance:
            out["hired"] = career.hire(ctx, at, track.id)
        else:
            out["hired"] = False
            ctx.emit("message", at, topic="rejected", text=f"{track.name}: they went with another candidate.")
    elif sp == "date":
        if person is None:
            partners = [p for p in s.people if p.alive and p.relation in ("partner", "spouse")]
            person = r.choice(partners) if partners else None
        if person is None:
            if r.random() < 0.5:
                p = add_person(ctx, at, "partner", f"date:{at}")
                out["met"] = p.id if p else None
            else:
                ctx.emit("message", at, topic="date", text="The date went nowhere.")
        elif person.relation in ("partner", "spouse"):
            out["affinity"] = change_affinity(ctx, at, person, r.randint(3, 9), "date")
        else:
            out["affinity"] = change_affinity(ctx, at, person, r.randint(-3, 8), "date")
            if person.affinity >= 40 and r.random() < 0.4:
                old = person.relation
                person.relation = "partner"
                ctx.emit("person_changed", at, reason="relation", was=old, person=person.to_dict())
    elif sp == "socialize":
        if person is None:
            pool = [p for p in s.people if p.alive and p.relation in ("friend", "classmate", "coworker")]
            if pool and r.random() < 0.6:
                person = r.choice(pool)
            else:
                p = add_person(ctx, at, "friend", f"socialize:{at}")
                out["met"] = p.id if p else None
        if person is not None:
            out["affinity"] = change_affinity(ctx, at, person, r.randint(2, 7), "socialize")
            if person.relation in ("classmate", "coworker") and person.affinity >= 50:
                old = person.relation
                person.relation = "friend"
                ctx.emit("person_changed", at, reason="relation", was=old, person=person.to_dict())
    elif sp == "visit_family":
        family = [person] if person else [p for p in s.people if p.alive and p.relation in ("parent", "sibling")]
        for p in family:
            change_affinity(ctx, at, p, 6 if person else 3, "visit_family")
        out["visited"] = [p.id for p in family]
    elif sp == "shop":
        item = ctx.c.items[plan["item"]]
        s.inventory[item.id] = s.inventory.get(item.id, 0) + 1
        out["item"] = item.id
        out["price"] = item.price
        out.update(apply_effects(ctx, at, item.effects, None, f"item:{item.id}"))
    elif sp == "doctor":
        if plan.get("price"):
            out["price"] = plan["price"]
    elif sp == "work_overtime" and s.job is not None:
        s.job.performance = round(min(100.0, s.job.performance + 4), 2)
        pay = s.job.salary * act.hours * 3 // (360 * 8 * 2)
        ctx.add_money(pay)
        out["performance"] = 4
        out["money"] = pay
    elif sp == "quit_job":
        career.quit_job(ctx, at)
    elif sp == "retire":
        career.retire(ctx, at)
    elif sp == "study" and s.education.stage != "none":
        s.education.study_points += 1
        out["study_points"] = s.education.study_points
    return out


# ---- question events -----------------------------------------------------------------------------------------------
def do_choice(ctx: Ctx, at: int, event_id: str, choice_id: str) -> None:
    s = ctx.s
    if s.dead:
        raise CharacterDead("this life has ended")
    q = next((q for q in s.pending if q.id == event_id), None)
    if q is None or q.expires_at <= at:
        raise EventNotFound(f"no pending event {event_id!r}", event_id=event_id)
    if not any(c["id"] == choice_id for c in q.choices):
        raise InvalidChoice(
            f"event {event_id!r} has no choice {choice_id!r}", event_id=event_id, choice=choice_id, fields=["choice"]
        )
    resolve(ctx, at, q, choice_id, by="player")


# ---- conversations -------------------------------------------------------------------------------------------------
def bucket_of(ctx: Ctx, sentiment: float) -> str:
    vneg, neg, pos, vpos = ctx.c.config.talk.thresholds
    if sentiment <= vneg:
        return "very_negative"
    if sentiment < neg:
        return "negative"
    if sentiment <= pos:
        return "neutral"
    if sentiment < vpos:
        return "positive"
    return "very_positive"


def dominant_trait(p: Person) -> str | None:
    trait = max(TRAITS, key=lambda k: p.traits.get(k, 0.0))
    return trait if p.traits.get(trait, 0.0) >= 0.6 else None


def do_talk(
    ctx: Ctx, at: int, person_id: str, text: str, sentiment: float, *, unlimited_energy: bool = False
) -> tuple[str, float]:
    s = ctx.s
    cfg = ctx.c.config.talk
    if s.dead:
        raise CharacterDead("this life has ended")
    if s.stage == "baby":
        raise NotAllowed("babies cannot talk yet", stage=s.stage)
    if not isinstance(sentiment, int | float) or not math.isfinite(sentiment) or not -1 <= sentiment <= 1:
        raise BadInput("sentiment must be a number in -1..1", field="sentiment")
    p = s.person(person_id)
    if p is None:
        raise PersonNotFound(f"no person {person_id!r}", person_id=person_id)
    if not p.alive:
        raise NotAllowed(f"{p.name} has died", person_id=person_id)
    if not unlimited_energy and s.energy < cfg.energy_cost:
        raise InsufficientEnergy("too tired to talk", energy=s.energy, required=cfg.energy_cost)

    agree = p.traits.get("agreeableness", 0.5)
    neuro = p.traits.get("neuroticism", 0.5)
    mult = (0.5 + cfg.agreeableness_amplify * agree) * (1 - cfg.neuroticism_dampen * neuro)
    if sentiment < 0 and p.relation in FAMILY:
        mult *= cfg.family_forgiveness
    if not unlimited_energy:
        ctx.add_energy(-cfg.energy_cost)
    s.bump("conversations")
    change = change_affinity(ctx, at, p, round(cfg.base * sentiment * mult, 2), "talk")

    bucket = bucket_of(ctx, sentiment)
    trait = dominant_trait(p)
    best: list[str] = []
    best_score = -1
    for rs in ctx.c.replies:
        if rs.bucket != bucket or rs.relation not in ("any", p.relation) or rs.trait not in ("any", trait):
            continue
        score = (2 if rs.relation != "any" else 0) + (1 if rs.trait != "any" else 0)
        if score > best_score:
            best, best_score = list(rs.lines), score
        elif score == best_score:
            best.extend(rs.lines)
    line = ctx.rng(at, f"talk:{person_id}").choice(best)
    reply = ctx.fmt(line, name=p.name.split()[0], relation=p.relation)
    ctx.emit(
        "conversation",
        at,
        person_id=p.id,
        text=text,
        reply=reply,
        sentiment=sentiment,
        bucket=bucket,
        affinity_change=change,
        person=p.to_dict(),
    )
    return reply, change

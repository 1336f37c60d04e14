"""Player actions on a working copy: activities, answers to questions, conversations.

Each validates everything before it changes anything, so a refusal inside `advance` leaves no partial change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from . import special_registry, specials
from .content import FAMILY, TRAITS
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
)
from .outcomes import apply_effects, resolve
from .people import change_affinity
from .rules import unmet
from .special_registry import Plan
from .state import Person
from .timeline import HOUR

_BUILT_INS = specials  # importing the package registers the engine's own specials


# ---- activities ----------------------------------------------------------------------------------------------------
def do_activity(
    ctx: Ctx,
    at: int,
    activity_id: str,
    target: str | None = None,
    *,
    unlimited_energy: bool = False,
    options: Mapping[str, Any] | None = None,
) -> None:
    """Do an activity. With `unlimited_energy` (a purchase) it is neither refused nor charged for
    energy; its own energy effect (a nap's rest) still applies. `options` reach its special's plan
    and apply as `ctx.options` (a planned date's venue)."""
    s = ctx.s
    ctx.options = MappingProxyType(dict(options or {}))
    act = ctx.c.activities.get(activity_id)
    if act is None:
        raise UnknownActivity(f"There is no activity called {activity_id!r}.", activity=activity_id)
    if s.dead:
        raise CharacterDead("this life has ended")
    _refuse_while_held(ctx)
    if s.prison_until is not None and act.id not in ctx.c.config.prison.activities:
        raise NotAllowed(
            f"Not from a prison cell. Free to do: {', '.join(ctx.c.config.prison.activities)}.", activity=act.id
        )
    if s.stage not in act.stages or s.age < act.min_age:
        opens = [age for age, stage in ctx.c.stage_ages if stage in act.stages]
        first = max(min(opens), act.min_age) if opens else None
        when = f"opens at age {first}" if first is not None and s.age < first else "is not for this stage of life"
        raise NotAllowed(f"{act.name} {when}.", activity=act.id, stage=s.stage, opens_at_age=first)
    reason = unmet(s, act.requires)
    if reason:
        raise NotAllowed(f"{act.name}: {reason}", activity=act.id)
    if at < s.busy_until:
        wait = _real_wait((s.busy_until - at) / ctx.c.config.pace)
        raise Busy(f"You are still busy with your last activity: free in {wait}.", busy_until=s.busy_until)
    if not unlimited_energy and s.energy < act.energy_cost:
        raise InsufficientEnergy(
            f"{act.name} needs {act.energy_cost} energy", energy=s.energy, required=act.energy_cost
        )
    special = special_registry.get(act.special) if act.special else None
    params = ctx.c.specials.get(act.special) if act.special else None
    plan = special.plan(ctx, at, act, target, params) if special else Plan()
    price = plan.price + max(0, -act.effects.money)
    if price and s.money < price:
        raise InsufficientMoney(f"{act.name} costs {price}", money=s.money, price=price)

    # ---- from here on: mutate --------------------------------------------------------------------------------------
    if not unlimited_energy:
        ctx.add_energy(-act.energy_cost)
    s.busy_until = at + act.hours * HOUR
    s.bump("activities")
    if plan.price:
        ctx.add_money(-plan.price)
    ev = ctx.emit(
        "activity",
        at,
        activity=act.id,
        name=act.name,
        target=target,
        hours=act.hours,
        energy_cost=0 if unlimited_energy else act.energy_cost,
        effects={},
    )
    changed = apply_effects(ctx, at, act.effects, plan.person, f"activity:{act.id}")
    if special is not None:
        changed.update(special.apply(ctx, at, act, plan, params, ctx.rng(at, f"activity:{act.id}")))
    ev.data["effects"] = changed
    ev.data["energy"] = s.energy


def _real_wait(seconds: float) -> str:
    """A real-time wait as a player reads it ("about 2 minutes")."""
    if seconds < 60:
        n = max(1, math.ceil(seconds))
        return f"{n} second{'s' if n > 1 else ''}"
    if seconds < 3600:
        n = math.ceil(seconds / 60)
        return f"about {n} minute{'s' if n > 1 else ''}"
    n = math.ceil(seconds / 3600)
    return f"about {n} hour{'s' if n > 1 else ''}"


def _refuse_while_held(ctx: Ctx) -> None:
    """A major decision holds the life: it is answered before anything else happens."""
    q = ctx.s.held_by
    if q is not None:
        raise NotAllowed(f"First decide: {q.text}", event_id=q.id)


# ---- question events -----------------------------------------------------------------------------------------------
def do_choice(ctx: Ctx, at: int, event_id: str, choice_id: str) -> None:
    s = ctx.s
    if s.dead:
        raise CharacterDead("this life has ended")
    q = next((q for q in s.pending if q.id == event_id), None)
    if q is None or q.expires_at <= at:
        raise EventNotFound("That question is no longer waiting for an answer.", event_id=event_id)
    if not any(c["id"] == choice_id for c in q.choices):
        answers = " / ".join(f"{c['id']} ({c['text']})" for c in q.choices)
        raise InvalidChoice(
            f"That is not one of the answers. Choose one of: {answers}.",
            event_id=event_id,
            choice=choice_id,
            fields=["choice"],
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
    _refuse_while_held(ctx)
    if s.stage == "baby":
        raise NotAllowed("Babies cannot talk yet.", stage=s.stage)
    if not isinstance(sentiment, int | float) or not math.isfinite(sentiment) or not -1 <= sentiment <= 1:
        raise BadInput("sentiment must be a number in -1..1", field="sentiment")
    p = s.person(person_id)
    if p is None:
        raise PersonNotFound("That person is not in your life.", person_id=person_id)
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
        if rs.player_stages and s.stage not in rs.player_stages:
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

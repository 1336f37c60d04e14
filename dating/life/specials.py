"""Dating's special activities, registered with the engine like its own: `relationship` (every
per-person action: spend time, compliment, give a gift, ask out, propose, marry, move in, break up,
divorce, ask for money, argue, apologise, try for a baby, adopt) and `plan_date`.

Each plan checks everything before anything changes (who, whether it makes sense, what it costs);
each apply changes the life and says what happened in a sentence the player reads (`text`). Outcomes
hang on the bond (affinity), compatibility, the person's personality and what they remember.
"""

from __future__ import annotations

import random
from typing import Any

from game.engine import bonds as engine_bonds
from game.engine.content import Activity, Effects
from game.engine.ctx import Ctx
from game.engine.errors import BadInput, NotAllowed
from game.engine.outcomes import apply_effects
from game.engine.people import add_person, adopt, change_affinity, has_room
from game.engine.questions import raise_system
from game.engine.special_registry import Plan, Special, register
from game.engine.state import Person
from game.engine.timeline import DAY, YEAR

from . import bonds
from .profiles import of_person
from .rules import Action, PlanDateParams, RelationshipParams

ROMANTIC = ("partner", "fiance", "spouse")
FERTILE_UNTIL = 44
WEAK_BOND = {  # an action refused because the bond is below its minimum
    "propose": "{name} does not love you enough to marry you. Not yet.",
    "marry": "{name} is having second thoughts: spend time together first.",
    "move_in": "{name} is not ready to live with you.",
    "try_for_baby": "{name} does not want a baby with you right now.",
    "adopt": "{name} does not want to adopt with you right now.",
    "ask_out": "{name} will not even answer your calls.",
}


def _first(p: Person) -> str:
    return p.name.split()[0]


# ---- plans: every refusal before anything changes ------------------------------------------------------------------
def _gift(ctx: Ctx, required: bool) -> str | None:
    gift = ctx.options.get("gift")
    if gift is None:
        if required:
            raise BadInput("Choose a gift.", field="gift", fields=["gift"])
        return None
    if gift not in bonds.params(ctx).gifts:
        known = ", ".join(sorted(bonds.params(ctx).gifts))
        raise BadInput(f"There is no gift called {gift!r}. Gifts: {known}.", field="gift", fields=["gift"])
    return str(gift)


def plan_action(ctx: Ctx, at: int, act: Activity, target: str | None, prm: RelationshipParams) -> Plan:
    s = ctx.s
    p = bonds.find(ctx, target)
    action = act.id
    cfg = prm.actions[action]
    rel = p.relation
    name = p.name
    if rel == "stranger" and action not in ("spend_time", "compliment", "ask_out"):
        raise NotAllowed(f"You have not met {name} yet: spend time with them first.", person_id=p.id)
    if p.affinity < cfg.min_affinity and rel != "stranger":
        why = WEAK_BOND.get(action, "{name} will not even answer your calls.")
        raise NotAllowed(why.format(name=name), person_id=p.id, affinity=p.affinity, required=cfg.min_affinity)
    price = cfg.price
    if action == "give_gift":
        price += prm.gifts[str(_gift(ctx, True))].price
    elif action in ("ask_out", "propose", "marry", "move_in", "try_for_baby"):
        bonds.check_romance(ctx, p)
    if action == "ask_out":
        if rel in ("fiance", "spouse"):
            raise NotAllowed(f"You are already {'engaged to' if rel == 'fiance' else 'married to'} {name}.")
        if rel == "partner" and "exclusive" in p.memory:
            raise NotAllowed(f"You and {name} are already exclusive.", person_id=p.id)
        if rel == "partner" and at - p.since < prm.exclusive_after_days * DAY:
            raise NotAllowed(f"Too soon to ask {name} to be exclusive: you only started dating.", person_id=p.id)
        if rel == "partner" and p.affinity < prm.exclusive_affinity:
            raise NotAllowed(f"{name} is not ready to be exclusive with you.", person_id=p.id)
        if rel == "ex" and at - p.since < prm.second_chance_after_days * DAY:
            raise NotAllowed(f"{name} needs time: you only just broke up.", person_id=p.id)
        if rel == "ex" and p.affinity < prm.second_chance_affinity:
            raise NotAllowed(f"{name} is not interested in trying again.", person_id=p.id)
    elif action == "propose":
        if rel != "partner":
            already = {"fiance": "You are already engaged to", "spouse": "You are already married to"}.get(rel)
            raise NotAllowed(f"{already} {name}." if already else f"You are not dating {name}.", person_id=p.id)
        other = next((x for x in s.people if x.alive and x.relation in ("spouse", "fiance") and x is not p), None)
        if other is not None:
            tie = "married to" if other.relation == "spouse" else "engaged to"
            raise NotAllowed(f"You are {tie} {other.name}.", person_id=p.id)
    elif action == "marry":
        if rel != "fiance":
            raise NotAllowed(f"You are not engaged to {name}: propose first.", person_id=p.id)
        if any(x.alive and x.relation == "spouse" for x in s.people):
            raise NotAllowed("You are already married.", person_id=p.id)
    elif action == "move_in":
        if rel not in ROMANTIC:
            raise NotAllowed(f"You are not together with {name}.", person_id=p.id)
        if "living_together" in p.memory:
            raise NotAllowed(f"You already live with {name}.", person_id=p.id)
    elif action == "break_up":
        if rel not in ("partner", "fiance"):
            why = "married: that is a divorce" if rel == "spouse" else "not together"
            raise NotAllowed(f"You and {name} are {why}.", person_id=p.id)
    elif action == "divorce":
        if rel != "spouse":
            raise NotAllowed(f"You are not married to {name}.", person_id=p.id)
    elif action == "ask_for_money":
        if rel not in ("parent", "sibling", "child", *ROMANTIC, "friend"):
            raise NotAllowed(f"You do not know {name} well enough to ask for money.", person_id=p.id)
        if rel == "child" and p.age < 18:
            raise NotAllowed(f"{name} is a child.", person_id=p.id)
    elif action in ("try_for_baby", "adopt"):
        if rel not in ROMANTIC:
            raise NotAllowed(f"Not with {name}: a baby is for a couple.", person_id=p.id)
        if action == "try_for_baby" and "living_together" not in p.memory and rel != "spouse":
            raise NotAllowed(f"Move in with {name} first.", person_id=p.id)
        if action == "try_for_baby" and not _can_carry(s.gender, s.age) and not _can_carry(p.gender, p.age):
            raise NotAllowed(f"You and {name} cannot have a baby together; you could adopt.", person_id=p.id)
        children = sum(1 for x in s.people if x.relation == "child")
        if children >= ctx.c.config.max_children or not has_room(s, ctx.c.config.max_people):
            raise NotAllowed("Your family is complete.", person_id=p.id, children=children)
    return Plan(person=p, price=price, pick=_gift(ctx, False) if action == "give_gift" else None)


def _can_carry(gender: str, age: int) -> bool:
    """Who may give birth: a woman up to 44 (older couples adopt)."""
    return gender == "female" and age <= FERTILE_UNTIL


# ---- outcomes ------------------------------------------------------------------------------------------------------
def _affinity(ctx: Ctx, at: int, p: Person, cfg: Action, r: random.Random, fit: float, why: str) -> float:
    lo, hi = cfg.affinity
    delta = float(r.randint(min(lo, hi), max(lo, hi)))
    if delta > 0:
        delta = round(delta * (0.6 + fit), 2)  # compatible people warm faster
    return change_affinity(ctx, at, p, delta, why)


def _chance(cfg: Action, p: Person, fit: float, extra: float = 0.0) -> float:
    """The odds of a yes: the action's base, the bond above its minimum, compatibility and personality."""
    bond = max(0.0, p.affinity - max(0.0, cfg.min_affinity)) / 100
    return max(0.02, min(0.97, cfg.chance + 0.5 * bond + 0.6 * (fit - 0.5) + extra))


def apply_action(ctx: Ctx, at: int, act: Activity, plan: Plan, prm: RelationshipParams, r: random.Random) -> dict:
    s = ctx.s
    assert plan.person is not None
    p = bonds.meet(ctx, at, plan.person) if s.person(plan.person.id) is None else plan.person
    cfg = prm.actions[act.id]
    fit = bonds.compatibility(ctx, p).total / 100
    first = _first(p)
    why = f"action:{act.id}"
    out: dict[str, Any] = {"person_id": p.id, "compatibility": round(fit * 100)}
    agree = p.traits.get("agreeableness", 0.5)
    neuro = p.traits.get("neuroticism", 0.5)
    text: str
    if cfg.happiness:
        out["happiness"] = ctx.add_stat("happiness", cfg.happiness)

    if act.id == "spend_time":
        out["affinity"] = _affinity(ctx, at, p, cfg, r, fit, why)
        if p.relation == "child":
            ctx.add_stat("happiness", 2)
            text = f"You spent the afternoon with {first}. They will remember it."
        else:
            text = f"You spent time with {first}." + (" It felt easy." if fit >= 0.6 else " It was nice enough.")
        if p.relation in ("acquaintance", "classmate", "coworker") and p.affinity >= prm.friend_from_affinity:
            engine_bonds.set_relation(ctx, at, p, "friend")
            text += f" You and {first} are friends now."
    elif act.id == "compliment":
        if r.random() < _chance(cfg, p, fit, 0.2 * agree - 0.15 * neuro):
            out["affinity"] = _affinity(ctx, at, p, cfg, r, fit, why)
            text = f"{first} smiled at the compliment."
        else:
            out["affinity"] = change_affinity(ctx, at, p, -2, why)
            text = f"{first} took the compliment the wrong way. Awkward."
    elif act.id == "give_gift":
        gift = prm.gifts[str(plan.pick)]
        kinds = of_person(s.seed, p, prm.bios, at).kinds
        loved = bool(set(gift.suits) & kinds)
        out["gift"] = plan.pick
        out["affinity"] = change_affinity(ctx, at, p, gift.affinity * (1.6 if loved else 1.0), why)
        text = f"{first} {'loved' if loved else 'liked'} the {gift.name.lower()}."
    elif act.id == "ask_out":
        text = _ask_out(ctx, at, p, cfg, fit, r, out)
    elif act.id == "propose":
        extra = 0.15 * ("living_together" in p.memory) + 0.1 * min(3.0, (at - p.since) / YEAR)
        extra -= 0.3 * ("proposal_refused" in p.memory)
        if r.random() < _chance(cfg, p, fit, extra):
            engine_bonds.set_relation(ctx, at, p, "fiance")
            ctx.add_stat("happiness", 12)
            out["accepted"] = True
            text = f"{first} said yes! You are engaged."
        else:
            engine_bonds.remember(p, "proposal_refused")
            change_affinity(ctx, at, p, -8, why)
            ctx.add_stat("happiness", -10)
            out["accepted"] = False
            text = f"{first} looked at the ring for a long time, then said: not yet."
    elif act.id == "marry":
        engine_bonds.set_relation(ctx, at, p, "spouse")
        engine_bonds.remember(p, "living_together")
        change_affinity(ctx, at, p, 10, why)
        text = f"You married {first}. Friends cried, someone danced badly, and it was perfect."
    elif act.id == "move_in":
        if r.random() < _chance(cfg, p, fit):
            engine_bonds.remember(p, "living_together")
            out["affinity"] = _affinity(ctx, at, p, cfg, r, fit, why)
            text = f"You and {first} moved in together. Two toothbrushes, one home."
        else:
            out["affinity"] = change_affinity(ctx, at, p, -3, why)
            text = f"{first} is not ready to live together yet."
    elif act.id == "break_up":
        badly = p.affinity >= 40 or "cheated_on" in p.memory  # they did not see it coming
        engine_bonds.remember(p, "dumped", *(["ended_badly"] if badly else []))
        change_affinity(ctx, at, p, -30 if badly else -10, why)
        engine_bonds.set_relation(ctx, at, p, "ex")
        text = f"You broke up with {first}." + (" They did not take it well." if badly else " It was time.")
    elif act.id == "divorce":
        if p.affinity >= 20:
            engine_bonds.remember(p, "ended_badly")
        change_affinity(ctx, at, p, -25, why)
        out.update(engine_bonds.divorce(ctx, at, p))
        text = f"You filed for divorce from {first}."
    elif act.id == "ask_for_money":
        asked = "asked_money" in p.memory
        if r.random() < _chance(cfg, p, fit, 0.2 * agree - (0.3 if asked else 0.0)):
            amount = int(r.randint(1, 10) * 100 * (3 if p.relation in ("parent", "spouse") else 1))
            s.money += amount  # a loan, not earnings (money_earned counts what the life earns)
            out["money"] = amount
            text = f"{first} lent you ${amount:,}" + (", with a long look." if asked else ", a little reluctantly.")
        else:
            text = f"{first} said no. Money is tight." if not asked else f"{first}: 'Not again.'"
        engine_bonds.remember(p, "asked_money")
        out["affinity"] = _affinity(ctx, at, p, cfg, r, fit, why)
    elif act.id == "argue":
        out["affinity"] = _affinity(ctx, at, p, cfg, r, fit, why)
        if fit >= 0.65 and r.random() < 0.3:
            change_affinity(ctx, at, p, 4, why)
            text = f"You and {first} had it out, and somehow the air is clearer now."
        else:
            engine_bonds.remember(p, "argued")
            text = f"You argued with {first}. Doors were slammed."
    elif act.id == "apologise":
        held = [g for g in bonds.GRIEVANCES if g in p.memory]
        if not held:
            out["affinity"] = change_affinity(ctx, at, p, 1, why)
            text = f"{first} looks puzzled: 'For what?'"
        elif r.random() < _chance(cfg, p, fit, 0.3 * agree - 0.2 * len(held)):
            engine_bonds.forget(p, held[0])
            out["forgiven"] = held[0]
            out["affinity"] = _affinity(ctx, at, p, cfg, r, fit, why)
            text = f"{first} heard you out, and forgave you."
            if p.relation == "ex" and not any(g in p.memory for g in bonds.ENDED_BADLY):
                text += " Maybe there is a second chance."
        else:
            out["affinity"] = change_affinity(ctx, at, p, -1, why)
            text = f"{first} is not ready to forgive you."
    elif act.id == "try_for_baby":
        if (_can_carry(s.gender, s.age) or _can_carry(p.gender, p.age)) and r.random() < _chance(cfg, p, fit):
            child = add_person(ctx, at, "child", f"baby:{p.id}")
            out["child"] = child.id if child else None
            text = f"A baby! Welcome to the world, {_first(child)}." if child else "Your family is complete."
        else:
            text = "Not this time. You and " + first + " will keep trying."
    elif act.id == "adopt":
        child = adopt(ctx, at, f"adopt:{p.id}")
        out["child"] = child.id if child else None
        text = f"You and {first} adopted {_first(child)}." if child else "Your family is complete."
    else:  # a new action in content without code: its numbers alone
        out["affinity"] = _affinity(ctx, at, p, cfg, r, fit, why)
        text = f"You and {first}: {act.name.lower()}."
    out["text"] = text
    if plan.price:
        out["price"] = plan.price  # paid before the outcome (a ring, a wedding, a lawyer, a gift)
    out["stage"] = bonds.stage_of(p)
    ctx.emit("message", at, topic="relationship", text=text, person_id=p.id, action=act.id)
    return out


def _ask_out(ctx: Ctx, at: int, p: Person, cfg: Action, fit: float, r: random.Random, out: dict) -> str:
    first = _first(p)
    rel = p.relation
    if rel == "partner":  # already dating: asking to be exclusive
        if r.random() < _chance(cfg, p, fit, 0.2):
            engine_bonds.remember(p, "exclusive")
            out["accepted"] = True
            ctx.emit("person_changed", at, reason="exclusive", was="partner", person=p.to_dict())
            ctx.milestone("exclusive", at, person=p.to_dict())
            return f"{first} said yes: you are exclusive now."
        out["accepted"] = False
        return f"{first} wants to keep things casual for now."
    if rel == "ex" and any(g in p.memory for g in bonds.ENDED_BADLY):
        out["accepted"] = False
        change_affinity(ctx, at, p, -5, "action:ask_out")
        cold = "You cheated on me." if "cheated_on" in p.memory else "After how it ended?"
        return f"{first} laughs, without smiling. '{cold} No.'"
    extra = 0.05 * (ctx.s.looks - 50) / 10 + (0.1 if rel == "ex" else 0.0)
    if r.random() >= _chance(cfg, p, fit, extra):
        out["accepted"] = False
        change_affinity(ctx, at, p, -3, "action:ask_out")
        return f"{first} said no, kindly."
    current = bonds.partner_of(ctx, besides=p)
    if current is not None:  # an affair: found out, or not yet
        out["affair_with"] = current.id
        if r.random() < 0.5:
            engine_bonds.remember(current, "cheated_on")
            change_affinity(ctx, at, current, -40, "affair")
            ctx.emit("message", at, topic="affair", text=f"{_first(current)} found out about {first}.")
    out["accepted"] = True
    if rel == "ex":
        engine_bonds.remember(p, "reconciled")
        engine_bonds.forget(p, "dumped", "argued")
    engine_bonds.set_relation(ctx, at, p, "partner")
    return f"{first} said yes! You are dating." if rel != "ex" else f"{first} said yes. A second chance."


RELATIONSHIP = register(Special("relationship", apply_action, plan_action, RelationshipParams))


# ---- a planned date -----------------------------------------------------------------------------------------------
def plan_date(ctx: Ctx, at: int, act: Activity, target: str | None, prm: PlanDateParams) -> Plan:
    p = bonds.find(ctx, target)
    bonds.check_romance(ctx, p)
    venue_id, activity_id = ctx.options.get("venue"), ctx.options.get("activity")
    venue = prm.venues.get(str(venue_id))
    if venue is None:
        known = ", ".join(sorted(prm.venues))
        raise BadInput(f"There is no venue called {venue_id!r}. Venues: {known}.", field="venue", fields=["venue"])
    activity = prm.activities.get(str(activity_id))
    if activity is None:
        known = ", ".join(sorted(prm.activities))
        raise BadInput(
            f"There is no date activity {activity_id!r}. Activities: {known}.", field="activity", fields=["activity"]
        )
    if venue_id not in activity.venues:
        where = ", ".join(prm.venues[v].name for v in activity.venues)
        raise BadInput(
            f"{activity.name} is not done at {venue.name} (try: {where}).", field="activity", fields=["activity"]
        )
    if min(ctx.s.age, p.age) < venue.min_age:
        raise NotAllowed(f"{venue.name} is for {venue.min_age}+.", venue=venue_id, fields=["venue"])
    gift = _gift(ctx, False)
    rprm = bonds.params(ctx)
    price = venue.price + activity.price + (rprm.gifts[gift].price if gift else 0)
    return Plan(person=p, price=price, pick=gift)


def apply_date(ctx: Ctx, at: int, act: Activity, plan: Plan, prm: PlanDateParams, r: random.Random) -> dict:
    s = ctx.s
    assert plan.person is not None
    p = bonds.meet(ctx, at, plan.person) if s.person(plan.person.id) is None else plan.person
    rprm = bonds.params(ctx)
    venue = prm.venues[str(ctx.options["venue"])]
    activity = prm.activities[str(ctx.options["activity"])]
    kinds = of_person(s.seed, p, rprm.bios, at).kinds
    compat = bonds.compatibility(ctx, p).total
    first = _first(p)
    extra = p.traits.get("extraversion", 0.5)
    points = 0.5 * compat + 10 + venue.romance + p.affinity / 8
    venue_fit = len(set(venue.suits) & kinds)
    act_fit = len(set(activity.suits) & kinds)
    points += min(2, venue_fit) * 8 + min(2, act_fit) * 8
    if venue.loud and extra < 0.35:
        points -= 10  # a quiet soul at a loud place
    gift = rprm.gifts[plan.pick] if plan.pick else None
    if gift is not None:
        points += gift.affinity / 2 + (6 if set(gift.suits) & kinds else 0)
    if "cheated_on" in p.memory or "ended_badly" in p.memory:
        points -= 15  # they remember
    points += r.randint(-12, 12)
    points = max(0, min(100, round(points)))
    changed = apply_effects(ctx, at, Effects.model_validate(dict(activity.stats)), None, "date")
    affinity = change_affinity(ctx, at, p, round((points - 45) / 4, 2), "date")
    mood = 6 if points >= prm.great_from else (-4 if points < prm.bad_below else 2)
    mood = ctx.add_stat("happiness", mood) + changed.pop("happiness", 0)  # the date's and the activity's
    story = [
        ctx.fmt(venue.line, name=first),
        ctx.fmt(activity.line, name=first),
    ]
    if venue_fit:
        story.append(f"{first} loves places like this.")
    elif venue.loud and extra < 0.35:
        story.append(f"{first} winced at the noise more than once.")
    if gift is not None:
        story.append(
            f"You gave {first} {gift.name.lower()}" + (", and their eyes lit up." if set(gift.suits) & kinds else ".")
        )
    if "cheated_on" in p.memory:
        story.append(f"{first} has not forgotten what you did.")
    if points >= prm.great_from:
        story.append(f"It was a wonderful date. {first} is already asking when you will meet again.")
    elif points >= prm.bad_below:
        story.append(f"A pleasant evening. {first} hugged you goodbye.")
    else:
        story.append(f"It did not click. {first} checked the time twice before dessert.")
    moment = None
    # the place's moments (an operator may have removed one), the least recently lived first
    moments = [m for m in venue.moments if m in ctx.c.events]
    moments.sort(key=lambda m: (s.recent.get(m, -1), r.random()))
    for mid in moments:
        q = raise_system(ctx, at, mid, subject=p)
        if q is not None:
            moment = q.id
            break
    return {
        "person_id": p.id,
        "venue": ctx.options["venue"],
        "date_activity": ctx.options["activity"],
        "gift": plan.pick,
        "score": points,
        "compatibility": compat,
        "affinity": affinity,
        "happiness": mood,
        "story": " ".join(story),
        "moment": moment,
        "price": plan.price,
        **{k: v for k, v in changed.items() if k != "affinity"},
    }


DATE = register(Special("plan_date", apply_date, plan_date, PlanDateParams))

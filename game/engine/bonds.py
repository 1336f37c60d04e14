"""Bonds between the player and a person: relation changes with their milestones, memory, divorce.

One place changes a relation, so every path (a question's outcome, dating's actions, a date) gives
the same milestones — `engagement`, `marriage`, `breakup`, `divorce`, `reconciled` — that the apps
above count (achievements, statistics, album) — and stamps `since`, which events read ("a year together").
"""

from __future__ import annotations

from typing import Any

from .ctx import Ctx
from .state import Person

ROMANTIC = ("partner", "fiance", "spouse")


def _milestone(old: str, new: str) -> str | None:
    if new == "fiance":
        return "engagement"
    if new == "spouse":
        return "marriage"
    if new == "ex" and old == "spouse":
        return "divorce"
    if new == "ex" and old in ("partner", "fiance"):
        return "breakup"
    if new == "partner" and old == "ex":
        return "reconciled"
    if new == "partner":
        return "new_relationship"
    return None


def set_relation(ctx: Ctx, at: int, person: Person, new: str, *, reason: str = "relation", **data: Any) -> bool:
    """Move `person` to relation `new`; refused (False, the player told) when it would make a second spouse."""
    old = person.relation
    if old == new:
        return False
    if new == "spouse" and any(p.alive and p.relation == "spouse" and p is not person for p in ctx.s.people):
        ctx.emit("message", at, topic="already_married", text="You are already married.")
        return False
    person.relation = new
    person.since = at
    if new in ("ex", "acquaintance", "friend"):  # what belonged to the couple does not outlive it
        forget(person, "living_together", "exclusive", "separated", "wedding_planned", "honeymoon")
    if old == "ex" and new in ROMANTIC:  # a second chance starts as a new couple (the grievances stay)
        forget(person, "divorced", "dumped", "argued", "proposal_refused")
    ctx.emit("person_changed", at, reason=reason, was=old, person=person.to_dict(), **data)
    name = _milestone(old, new)
    if name:
        ctx.milestone(name, at, person=person.to_dict(), was=old)
    return True


def remember(person: Person, *tags: str) -> None:
    for t in tags:
        if t not in person.memory:
            person.memory.append(t)


def forget(person: Person, *tags: str) -> None:
    person.memory[:] = [m for m in person.memory if m not in tags]


def divorce(ctx: Ctx, at: int, spouse: Person, *, share: float = 0.5) -> dict[str, Any]:
    """The marriage ends: `share` of positive savings and, in turn from the second most valuable, every
    other asset go to the ex. Returns what the player lost."""
    s = ctx.s
    money_lost = int(max(0, s.money) * share)
    if money_lost:
        s.money -= money_lost  # not spending: the savings are split, so no money_spent
    ordered = sorted(s.assets, key=lambda a: (-int(a.get("price", 0)), str(a.get("id"))))
    lost = ordered[1::2]
    for a in lost:
        s.assets.remove(a)
        item = str(a.get("item"))
        if s.inventory.get(item, 0) > 1:
            s.inventory[item] -= 1
        else:
            s.inventory.pop(item, None)
    remember(spouse, "divorced")
    set_relation(ctx, at, spouse, "ex", money_lost=money_lost, assets_lost=[a["name"] for a in lost])
    names = ", ".join(str(a["name"]) for a in lost)
    text = f"The divorce from {spouse.name} is final. They kept ${money_lost:,} of the savings" + (
        f" and the {names}." if lost else "."
    )
    ctx.emit("message", at, topic="divorce", text=text, money_lost=money_lost, assets_lost=[a["name"] for a in lost])
    return {"money": -money_lost, "assets_lost": [a["name"] for a in lost]} if money_lost or lost else {}

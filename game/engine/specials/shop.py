"""Shopping: a named item, or any affordable one; the item goes into the inventory and applies its effects.
Prices and effects are the items' content."""

from __future__ import annotations

import random
from typing import Any

from ..assets import acquire
from ..content import Activity
from ..ctx import Ctx
from ..errors import InsufficientMoney, NotAllowed, UnknownTarget
from ..outcomes import apply_effects
from ..special_registry import NoParams, Plan, Special, register


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: NoParams) -> Plan:
    s = ctx.s
    if target is not None:
        item = ctx.c.items.get(target)
        if item is None:
            raise UnknownTarget(f"The shop has nothing called {target!r}.", item=target)
        if s.age < item.min_age:
            raise NotAllowed(f"you are too young for {item.name}", item=target)
    else:
        affordable = [i for i in ctx.c.items.values() if i.price <= s.money and s.age >= i.min_age]
        if not affordable:
            raise InsufficientMoney("nothing in the shop is affordable", money=s.money)
        item = ctx.rng(at, "shop:item").choice(affordable)
    return Plan(pick=item.id, price=item.price)


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: NoParams, r: random.Random) -> dict[str, Any]:
    assert plan.pick is not None
    item = ctx.c.items[plan.pick]
    out: dict[str, Any] = {"item": item.id, "price": item.price, "category": item.category}
    asset = acquire(ctx, at, item.id)
    if asset is not None:
        out["asset"] = asset["id"]
    out.update(apply_effects(ctx, at, item.effects, None, f"item:{item.id}"))
    return out


SPECIAL = register(Special("shop", apply, plan))

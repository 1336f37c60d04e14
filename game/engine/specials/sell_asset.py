"""Selling an asset (a house, a car) for what it is worth now."""

from __future__ import annotations

import random
from typing import Any

from ..content import Activity
from ..ctx import Ctx
from ..errors import NotAllowed, UnknownTarget
from ..special_registry import NoParams, Plan, Special, register


def plan(ctx: Ctx, at: int, act: Activity, target: str | None, params: NoParams) -> Plan:
    assets = ctx.s.assets
    if not assets:
        raise NotAllowed("You own nothing to sell.")
    if target is None:
        raise NotAllowed("Say what to sell: " + ", ".join(f"{a['name']} ({a['id']})" for a in assets) + ".")
    if not any(a["id"] == target for a in assets):
        raise UnknownTarget("You do not own that.", asset=target)
    return Plan(pick=target)


def apply(ctx: Ctx, at: int, act: Activity, plan: Plan, params: NoParams, r: random.Random) -> dict[str, Any]:
    s = ctx.s
    asset = next(a for a in s.assets if a["id"] == plan.pick)
    item = ctx.c.items.get(asset["item"])
    value = item.value_at(asset["price"], asset["bought_at"], at) if item else asset["price"] // 2
    s.assets.remove(asset)
    if s.inventory.get(asset["item"], 0) > 0:
        s.inventory[asset["item"]] -= 1
        if not s.inventory[asset["item"]]:
            del s.inventory[asset["item"]]
    ctx.add_money(value)
    ctx.emit("message", at, topic="sold", text=f"You sold your {asset['name']} for ${value:,}.")
    return {"sold": asset["id"], "money": value}


SPECIAL = register(Special("sell_asset", apply, plan))

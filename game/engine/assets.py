"""Owning things: an `asset` item (a house, a car) bought or given is recorded with its price and day."""

from __future__ import annotations

from typing import Any

from .ctx import Ctx


def acquire(ctx: Ctx, at: int, item_id: str) -> dict[str, Any] | None:
    """Put the item in the inventory; an asset also in `assets`. Returns the asset record, if any."""
    s = ctx.s
    s.inventory[item_id] = s.inventory.get(item_id, 0) + 1
    item = ctx.c.items.get(item_id)
    if item is None or not item.asset:
        return None
    asset = {"id": s.new_id("a"), "item": item.id, "name": item.name, "bought_at": at, "price": item.price}
    s.assets.append(asset)
    return asset

"""Reads of the economy other apps may call: a player's diamonds, their history."""

from typing import Any

from accounts.models import Player
from monetization.models import DiamondTransaction

WALLET = "wallet"  # what to `select_related` on a Player query for `diamonds_of` to read nothing more


def diamonds_of(player: Player) -> int:
    """The balance of a player loaded with `select_related(WALLET)` (0 before the first movement)."""
    wallet = getattr(player, WALLET, None)
    return wallet.diamonds if wallet is not None else 0


def diamond_history(*, player_id: int, limit: int = 20, before: int | None = None) -> dict[str, Any]:
    """Newest first; page with `before` = the last id of the previous page."""
    rows = DiamondTransaction.objects.filter(player_id=player_id)
    if before is not None:
        rows = rows.filter(id__lt=before)
    page = list(
        rows.order_by("-id").values("id", "amount", "reason", "reference", "balance_after", "debt_after", "created_at")[
            : limit + 1
        ]
    )
    more = len(page) > limit
    page = page[:limit]
    transactions = [{**row, "created_at": row["created_at"].isoformat()} for row in page]
    return {"transactions": transactions, "next_before": page[-1]["id"] if more and page else None}

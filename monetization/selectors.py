"""Reads of the economy: a player's diamond history."""

from typing import Any

from monetization.models import DiamondTransaction


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
    for row in page:
        row["created_at"] = row["created_at"].isoformat()
    return {"transactions": page, "next_before": page[-1]["id"] if more and page else None}

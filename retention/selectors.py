"""Reads of retention's state for replies and the admin (no writes)."""

from typing import Any

from retention.models import PlayerProgress
from retention.tally import STATISTICS


def statistics(*, player_id: int) -> dict[str, Any]:
    """`get_statistics`: the 16 lifetime statistics over every life (0 before the first)."""
    progress = PlayerProgress.objects.filter(player_id=player_id).first()
    values = progress.statistics() if progress else dict.fromkeys(STATISTICS, 0)
    return {"statistics": values}

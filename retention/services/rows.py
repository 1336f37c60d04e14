"""A player's one row of a retention table (streak, tutorial), locked, made on first need."""

from typing import Any

from django.db import models


def locked_row(model: type[models.Model], player_id: int) -> Any:
    """The row, row-locked (the caller is in a transaction). Made only when missing: an insert that
    meets an existing key takes a shared lock, and forty of those at once deadlock on MariaDB."""
    manager = model._default_manager
    row = manager.select_for_update().filter(player_id=player_id).first()
    if row is None:
        manager.bulk_create([model(player_id=player_id)], ignore_conflicts=True)
        row = manager.select_for_update().get(player_id=player_id)
    return row

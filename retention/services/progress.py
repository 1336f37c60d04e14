"""Retention fed by the life: for each saved advance of a life (the game's `on_saved_lives` hook, in
the save's transaction), count its outcomes into the life's counts and the player's lifetime
statistics, unlock achievements, keep the big moments in the album and move today's quests.

The checks read what they need once — one locked read of the players' `PlayerProgress` rows, one of
their quests — for one player's action or for a whole chunk of the tick, whatever the number of
achievements (game/tests/test_query_counts.py pins it; bench/retention.py measures it).
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from game.hooks import SavedLife
from retention import rules, tally
from retention.models import PlayerProgress
from retention.services import achievements, album, quests
from retention.services.content import current
from retention.tally import STATISTICS

_COLUMNS = [*STATISTICS, "life_character_id", "life_counts", "unlocked", "quest_day", "quests_until", "quests"]
_JSON = {"life_counts", "unlocked", "quests"}


@dataclass
class Progress:
    """A player's `PlayerProgress` row as the checks use it (read and written with two prepared
    statements: the ORM's query building cost more than the checks themselves)."""

    player_id: int
    time_zone: str
    values: dict[str, Any]

    def statistics(self) -> dict[str, int]:
        return {name: int(self.values[name]) for name in STATISTICS}


def _locked(player_ids: list[int]) -> dict[int, Progress]:
    """The players' progress rows, locked in id order (made on first need: the primary key settles races)."""
    found = _read(player_ids)
    missing = [pid for pid in player_ids if pid not in found]
    if missing:
        PlayerProgress.objects.bulk_create([PlayerProgress(player_id=pid) for pid in missing], ignore_conflicts=True)
        found = _read(player_ids)
    return found


def _read(player_ids: list[int]) -> dict[int, Progress]:
    quote = connection.ops.quote_name
    columns = ", ".join(f"p.{quote(c)}" for c in _COLUMNS)
    marks = ", ".join(["%s"] * len(player_ids))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"SELECT p.player_id, pl.time_zone, {columns} FROM player_progress p "  # noqa: S608 - names from the model
        f"JOIN players pl ON pl.id = p.player_id WHERE p.player_id IN ({marks}) ORDER BY p.player_id{lock}"
    )
    out: dict[int, Progress] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, player_ids)
        for player_id, zone, *values in cursor.fetchall():
            row = dict(zip(_COLUMNS, values, strict=True))
            for name in _JSON:
                if isinstance(row[name], str | bytes):
                    row[name] = json.loads(row[name])
            if isinstance(row["quest_day"], str):
                row["quest_day"] = date.fromisoformat(row["quest_day"])
            row["quests_until"] = _aware(row["quests_until"])
            out[player_id] = Progress(player_id, zone, row)
    return out


def _write(rows: list[Progress], now: datetime) -> None:
    """One prepared UPDATE, run for every row (executemany)."""
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = %s" for c in [*_COLUMNS, "updated_at"])
    stamp = connection.ops.adapt_datetimefield_value(now)
    params = [
        [
            *(json.dumps(r.values[c]) if c in _JSON else _db_value(r.values[c]) for c in _COLUMNS),
            stamp,
            r.player_id,
        ]
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE player_progress SET {sets} WHERE player_id = %s", params)  # noqa: S608


def _db_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value


def _aware(value: Any) -> datetime | None:
    """A datetime column as read by a raw cursor (SQLite: text; MariaDB: naive UTC), made aware."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def on_saved_lives(saves: list[SavedLife]) -> None:
    if not settings.RETENTION_CHECKS:
        return
    now = timezone.now()
    content = current()
    rows = _locked(sorted({s.player_id for s in saves}))
    counted: list[tuple[SavedLife, Any]] = []
    for saved in saves:
        character, state = saved.character, saved.character.state
        row = rows[saved.player_id].values
        if row["life_character_id"] != character.pk:  # a new life: its counts start at nothing
            row["life_character_id"], row["life_counts"] = character.pk, {}
        life, lifetime, moments, counts = tally.advance(
            row["life_counts"], rows[saved.player_id].statistics(), saved.events, state
        )
        unlocked = set(row["unlocked"])
        new = rules.newly_unlocked(content, unlocked, life, lifetime, moments)
        row["life_counts"] = life
        row.update(lifetime)
        row["unlocked"] = sorted(unlocked | {a.id for a in new})
        for achievement in new:
            saved.notices.append(
                achievements.unlock(player_id=saved.player_id, character=character, achievement=achievement, now=now)
            )
        counted.append((saved, counts))
    quests.record_many(counted, rows=rows, now=now, content=content)  # one look at the content per save
    _write(list(rows.values()), now)
    album.keep_many([(s.player_id, s.character, s.events) for s in saves])

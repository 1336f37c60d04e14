"""Retention fed by the life: for each saved advance of a life (the game's `on_saved_lives` hook, in
the save's transaction), count its outcomes into the life's counts and the player's lifetime
statistics, unlock achievements, keep the big moments in the album and move today's quests.

The checks read what they need once — one locked read of the players' `PlayerProgress` rows, one of
their quests — for one player's action or for a whole chunk of the tick, whatever the number of
achievements (game/tests/test_query_counts.py pins it; bench/retention.py measures it).
"""

from typing import Any

from django.conf import settings
from django.utils import timezone

from game.hooks import SavedLife
from retention import rules, tally
from retention.models import PlayerProgress
from retention.services import achievements, album, quests
from retention.services.content import current
from retention.tally import STATISTICS

_FIELDS = [*STATISTICS, "life_character_id", "life_counts", "unlocked", "updated_at"]


def _locked(player_ids: list[int]) -> dict[int, PlayerProgress]:
    """The players' progress rows, locked in id order (made on first need: the primary key settles races)."""

    def read() -> dict[int, PlayerProgress]:
        rows = PlayerProgress.objects.select_for_update().select_related("player").filter(player_id__in=player_ids)
        return {row.player_id: row for row in rows.order_by("player_id")}

    found = read()
    missing = [pid for pid in player_ids if pid not in found]
    if missing:
        PlayerProgress.objects.bulk_create([PlayerProgress(player_id=pid) for pid in missing], ignore_conflicts=True)
        found = read()
    return found


def on_saved_lives(saves: list[SavedLife]) -> None:
    if not settings.RETENTION_CHECKS:
        return
    now = timezone.now()
    content = current()
    rows = _locked(sorted({s.player_id for s in saves}))
    counted: list[tuple[SavedLife, Any]] = []
    for saved in saves:
        character, state = saved.character, saved.character.state
        progress = rows[saved.player_id]
        if progress.life_character_id != character.pk:  # a new life: its counts start at nothing
            progress.life_character_id, progress.life_counts = character.pk, {}
        life, lifetime, moments = tally.advance(progress.life_counts, progress.statistics(), saved.events, state)
        unlocked = set(progress.unlocked)
        new = rules.newly_unlocked(content, unlocked, life, lifetime, moments)
        progress.life_counts = life
        for name, value in lifetime.items():
            setattr(progress, name, value)
        progress.unlocked = sorted(unlocked | {a.id for a in new})
        progress.updated_at = now
        for achievement in new:
            saved.notices.append(
                achievements.unlock(player_id=saved.player_id, character=character, achievement=achievement, now=now)
            )
        counted.append((saved, tally.count(saved.events, int(state.get("born_at") or 0))[0]))
    if len(rows) == 1:
        next(iter(rows.values())).save(update_fields=_FIELDS)
    else:
        PlayerProgress.objects.bulk_update(list(rows.values()), _FIELDS)
    album.keep_many([(s.player_id, s.character, s.events) for s in saves])
    zones = {pid: row.player.time_zone for pid, row in rows.items()}
    quests.record_many(counted, zones=zones, now=now)

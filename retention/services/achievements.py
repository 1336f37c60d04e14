"""Achievements: unlocked once per player (a unique constraint), paid through the ledger (a dedupe
key), announced with a `messageEvent`; `get_achievements` lists them, secret ones only once earned."""

from datetime import datetime
from typing import Any

from analytics.services.events import record
from game.models import Character
from monetization.models import DiamondTransaction
from monetization.services import ledger
from retention import rules
from retention.models import PlayerAchievement, PlayerProgress
from retention.rules import Achievement
from retention.services.content import current


def unlock(*, player_id: int, character: Character, achievement: Achievement, now: datetime) -> dict[str, Any]:
    """Record and pay an achievement (the caller holds the player's progress lock); returns the notice
    the player is told (a `messageEvent` of kind `achievement`)."""
    PlayerAchievement.objects.bulk_create(
        [
            PlayerAchievement(
                player_id=player_id,
                achievement_id=achievement.id,
                character_id=character.pk,
                reward=achievement.reward,
                unlocked_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    if achievement.reward:
        ledger.diamonds_credit(
            player_id=player_id,
            amount=achievement.reward,
            reason=DiamondTransaction.Reason.ACHIEVEMENT,
            reference=f"achievement:{achievement.id}",
            dedupe_key=f"achievement:{player_id}:{achievement.id}",
        )
    record("achievement_unlocked", player_id=player_id, achievement=achievement.id, diamonds=achievement.reward)
    reward = f" +{achievement.reward} diamonds." if achievement.reward else ""
    return {
        "kind": "achievement",
        "at": int(character.state.get("clock") or character.game_clock),
        "data": {
            "text": f"Achievement unlocked: {achievement.name}. {achievement.description}.{reward}",
            "achievement": achievement_object(achievement, unlocked_at=now),
        },
    }


def achievement_object(a: Achievement, *, unlocked_at: datetime | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "name": a.name,
        "description": a.description,
        "category": a.category,
        "reward": a.reward,
        "secret": a.hidden,
    }
    if unlocked_at is not None:
        out["unlocked_at"] = unlocked_at.isoformat()
    return out


def listing(*, player_id: int) -> dict[str, Any]:
    """`get_achievements`: unlocked ones with their time; locked ones that are not secret, with
    `progress` and `target` where the condition is countable; how many secret ones are still hidden."""
    content = current()
    got = {row.achievement_id: row for row in PlayerAchievement.objects.filter(player_id=player_id)}
    progress = PlayerProgress.objects.filter(player_id=player_id).first()
    life = progress.life_counts if progress else {}
    lifetime = progress.statistics() if progress else {}
    unlocked, locked, hidden = [], [], 0
    for a in content.achievements.values():
        row = got.get(a.id)
        if row is not None:
            unlocked.append(achievement_object(a, unlocked_at=row.unlocked_at))
        elif a.hidden:
            hidden += 1
        else:
            entry = achievement_object(a)
            counted = rules.progress(a, life, lifetime)
            if counted is not None:
                entry["progress"], entry["target"] = counted
            locked.append(entry)
    unlocked.sort(key=lambda e: e["unlocked_at"], reverse=True)
    return {
        "unlocked": unlocked,
        "locked": locked,
        "secret_hidden": hidden,
        "total": len(content.achievements),
        "diamonds_earned": sum(row.reward for row in got.values()),
    }

"""Daily quests: one easy, one medium and one hard a day per player (the player's local day), chosen
deterministically per player and day among the templates the current life can do. Progress is
counted from the life's own outcomes (retention/services/progress.py), never from a client; a quest
completes by itself and its reward is claimed with `complete_quest`.

A day's quests are created once (a unique key per player, day and difficulty): by the first request
or outcome of the day, or ahead by the periodic reset — however often, or from how many processes,
it runs.
"""

import hashlib
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Player
from analytics.services.events import record
from core.errors import GameError
from game.models import Character
from game.services import content as game_content
from monetization.models import DiamondTransaction
from monetization.services import ledger
from retention.models import DailyQuest, PlayerProgress
from retention.rules import QuestTemplate, RetentionContent
from retention.services import calendar
from retention.services.content import current

DIFFICULTIES = ("easy", "medium", "hard")
NOTE = "Quest progress is counted by the server from what happens in your life; this changes nothing."


def _activity_needed(template: QuestTemplate) -> str | None:
    """The game activity a quest's count needs, if one (a purchase needs the shop)."""
    if template.count.startswith(("activity:", "hours:")):
        return template.count.split(":", 1)[1]
    return "shop" if template.count.startswith("bought") else None


def can_do(template: QuestTemplate, state: dict[str, Any] | None, activities: dict[str, Any] | None = None) -> bool:
    """Whether the life can do the quest today: its age, stage and job, and the activity it counts open
    to the life (`activities`: the game content's; a 4-year-old gets no "visit your family")."""
    if state is None or state.get("dead"):
        return False
    age, stage = int(state.get("age") or 0), state.get("stage")
    if age < template.min_age or (template.stages and stage not in template.stages):
        return False
    if template.needs_job and not state.get("job"):
        return False
    needed = _activity_needed(template)
    if needed is None or activities is None:
        return True
    activity = activities.get(needed)
    return activity is not None and stage in activity.stages and age >= activity.min_age


def choose(
    content: RetentionContent, player_id: int, day: date, state: dict[str, Any] | None, activities: Any = None
) -> list[QuestTemplate]:
    """The day's templates: per difficulty, one of those the life can do, by a stable hash of player and day."""
    if activities is None:
        activities = game_content.current().activities
    chosen = []
    for difficulty in DIFFICULTIES:
        options = sorted((q for q in content.quests_of(difficulty) if can_do(q, state, activities)), key=lambda q: q.id)
        if options:
            digest = hashlib.sha256(f"{player_id}:{day.isoformat()}:{difficulty}".encode()).digest()
            chosen.append(options[int.from_bytes(digest[:8], "big") % len(options)])
    return chosen


def ensure_day(player_id: int, day: date, state: dict[str, Any] | None) -> list[DailyQuest]:
    """The player's quests of `day`, created if they are not yet (idempotent under races)."""
    rows = list(DailyQuest.objects.filter(player_id=player_id, day=day))
    return rows or _make_days({player_id: (day, state)}).get(player_id, [])


def _make_days(wanted: dict[int, tuple[date, dict[str, Any] | None]]) -> dict[int, list[DailyQuest]]:
    """Create the players' quests of their day in one insert (a row another process made first is kept:
    the unique key), then read them back in one query."""
    content = current()
    DailyQuest.objects.bulk_create(
        [
            DailyQuest(
                player_id=player_id,
                day=day,
                difficulty=t.difficulty,
                template_id=t.id,
                description=t.description,
                target=t.target,
                reward=t.reward,
            )
            for player_id, (day, state) in wanted.items()
            for t in choose(content, player_id, day, state)
        ],
        ignore_conflicts=True,
    )
    days = {day for day, _ in wanted.values()}
    out: dict[int, list[DailyQuest]] = {}
    for quest in DailyQuest.objects.filter(player_id__in=list(wanted), day__in=days):
        if quest.day == wanted[quest.player_id][0]:
            out.setdefault(quest.player_id, []).append(quest)
    return out


def quest_day(last: date | None, until: datetime | None, zone: str, now: datetime) -> tuple[date, datetime]:
    """The player's quest day and when it ends. It never goes back, and a new one begins only when the
    local day has changed *and* the last one's end (its local midnight, in the zone it began in) has
    passed: changing zones can delay a day's quests, never give a second day of them in one real day."""
    local = calendar.local_day(now, zone)
    if last is not None and until is not None and (local <= last or now < until):
        return last, until
    return local, calendar.next_midnight(now, zone)


def _today(player_id: int, now: datetime) -> tuple[date, datetime, str]:
    """The player's quest day (begun now if it is a new one: its quests made and counted from now on)."""
    zone = Player.objects.values_list("time_zone", flat=True).get(pk=player_id)
    found = PlayerProgress.objects.filter(player_id=player_id).values_list("quest_day", "quests_until").first()
    last, until = found if found else (None, None)
    day, ends = quest_day(last, until, zone, now)
    if day != last:
        _begin_day(player_id, day, ends)
    return day, ends, zone


def _begin_day(player_id: int, day: date, ends: datetime) -> None:
    """A new quest day: its quests made, and loaded into the player's progress row for the saves to count."""
    content = current()
    made = _make_days({player_id: (day, _life_state(player_id))}).get(player_id, [])
    PlayerProgress.objects.bulk_create([PlayerProgress(player_id=player_id)], ignore_conflicts=True)
    PlayerProgress.objects.filter(player_id=player_id).exclude(quest_day=day).update(
        quest_day=day,
        quests_until=ends,
        quests={str(q.pk): _live(q, content.quests.get(q.template_id)) for q in made},
    )


def _life_state(player_id: int) -> dict[str, Any] | None:
    return Character.objects.filter(current_of_id=player_id).values_list("state", flat=True).first()


def quest_object(q: DailyQuest) -> dict[str, Any]:
    return {
        "quest_id": q.pk,
        "type": q.template_id,
        "difficulty": q.difficulty,
        "description": q.description,
        "progress": q.progress,
        "target": q.target,
        "reward": q.reward,
        "status": q.status,
    }


def _with_progress(player_id: int, day: date, rows: list[DailyQuest]) -> list[DailyQuest]:
    """The quests with the progress the saves have counted so far (kept in the player's progress row)."""
    live = PlayerProgress.objects.filter(player_id=player_id, quest_day=day).values_list("quests", flat=True).first()
    for quest in rows:
        counted = (live or {}).get(str(quest.pk))
        if counted and quest.status == DailyQuest.Status.ACTIVE:
            quest.progress, quest.seen = counted["progress"], counted["seen"]
    return rows


def active(*, player_id: int, now: datetime | None = None) -> dict[str, Any]:
    """`get_active_quests`: today's quests (made now if the reset has not reached the player yet)."""
    now = now or timezone.now()
    day, ends, zone = _today(player_id, now)
    rows = _with_progress(player_id, day, ensure_day(player_id, day, _life_state(player_id)))
    return {
        "quests": [quest_object(q) for q in sorted(rows, key=lambda q: DIFFICULTIES.index(q.difficulty))],
        "day": day.isoformat(),
        "next_reset_at": max(ends, calendar.next_midnight(now, zone)).isoformat(),
        "server_now": now.isoformat(),
    }


def progress_of(*, player_id: int, quest_type: str, now: datetime | None = None) -> dict[str, Any]:
    """`update_quest_progress`: answers today's progress of the quest and changes nothing (a client's
    count is never trusted: the server counts from its own outcomes)."""
    now = now or timezone.now()
    day, _, _ = _today(player_id, now)
    rows = _with_progress(player_id, day, ensure_day(player_id, day, _life_state(player_id)))
    found = next((q for q in rows if q.template_id == quest_type or str(q.pk) == quest_type), None)
    if found is None:
        raise GameError("not_found", f"No quest {quest_type!r} today.", fields=["quest_type"])
    return {**quest_object(found), "note": NOTE}


def claim(*, player_id: int, quest_id: int, now: datetime | None = None) -> dict[str, Any]:
    """`complete_quest`: the reward of a completed quest, once; `conflict` early or twice."""
    now = now or timezone.now()
    with transaction.atomic():
        quest = DailyQuest.objects.select_for_update().filter(pk=quest_id, player_id=player_id).first()
        if quest is None:
            raise GameError("not_found", "No such quest.", fields=["quest_id"])
        if quest.day != _today(player_id, now)[0]:
            raise GameError("conflict", "That quest's day is over.", quest=quest_object(quest))
        if quest.status == DailyQuest.Status.CLAIMED:
            raise GameError("conflict", "This quest's reward is already claimed.", quest=quest_object(quest))
        if quest.status != DailyQuest.Status.COMPLETED:
            raise GameError("conflict", f"Not done yet: {quest.progress} of {quest.target}.", quest=quest_object(quest))
        quest.status = DailyQuest.Status.CLAIMED
        quest.claimed_at = now
        quest.save(update_fields=["status", "claimed_at"])
        row = ledger.diamonds_credit(
            player_id=player_id,
            amount=quest.reward,
            reason=DiamondTransaction.Reason.QUEST,
            reference=f"quest:{quest.template_id}",
            dedupe_key=f"quest:{quest.pk}",
        )
        record("quest_completed", player_id=player_id, quest=quest.template_id, diamonds=quest.reward)
    diamonds = row.balance_after if row else ledger.balance(player_id=player_id).diamonds
    return {"reward": quest.reward, "diamonds": diamonds, "quest": quest_object(quest)}


def _live(quest: DailyQuest, template: QuestTemplate | None) -> dict[str, Any]:
    """A quest as the saves count it (kept in the player's progress row)."""
    return {
        "count": template.count if template else "",
        "distinct": bool(template and template.distinct_people),
        "target": quest.target,
        "progress": quest.progress,
        "seen": list(quest.seen),
        "status": quest.status,
        "description": quest.description,
        "reward": quest.reward,
        "type": quest.template_id,
        "difficulty": quest.difficulty,
    }


def record_many(
    counted: list[tuple[Any, Counter[str]]], *, rows: dict[int, Any], now: datetime, content: RetentionContent
) -> None:
    """Count saves' outcomes towards their players' quests of today, in the players' progress rows
    (`rows`, locked and written by the caller): no quest query, except to load a player's new day
    (once a day, for a whole chunk at once) and to write a quest that completes. A notice is added to
    the save per quest it completes. `counted` pairs each save (`game.hooks.SavedLife`) with its counts."""
    values = {pid: row.values for pid, row in rows.items()}
    days = {pid: quest_day(v["quest_day"], v["quests_until"], rows[pid].time_zone, now) for pid, v in values.items()}
    stale = {
        s.player_id: s.character.state for s, _ in counted if values[s.player_id]["quest_day"] != days[s.player_id][0]
    }
    if stale:  # a new day for these players: today's quests (made if need be), loaded into their rows
        made = _make_days({pid: (days[pid][0], state) for pid, state in stale.items()})
        for pid in stale:
            values[pid]["quest_day"], values[pid]["quests_until"] = days[pid]
            values[pid]["quests"] = {str(q.pk): _live(q, content.quests.get(q.template_id)) for q in made.get(pid, [])}
    completed: list[DailyQuest] = []
    for saved, counts in counted:
        for quest_id, live in values[saved.player_id]["quests"].items():
            notice = _count(int(quest_id), live, counts, saved)
            if notice is not None:
                completed.append(
                    DailyQuest(
                        pk=int(quest_id),
                        progress=live["progress"],
                        seen=live["seen"],
                        status=DailyQuest.Status.COMPLETED,
                        completed_at=now,
                    )
                )
                saved.notices.append(
                    {
                        **notice,
                        "data": {**notice["data"], "quest": {"quest_id": int(quest_id), **notice["data"]["quest"]}},
                    }
                )
    for quest in completed:  # rare: at most three a day per player
        DailyQuest.objects.filter(pk=quest.pk, status=DailyQuest.Status.ACTIVE).update(
            progress=quest.progress, seen=quest.seen, status=quest.status, completed_at=quest.completed_at
        )


def _count(quest_id: int, live: dict[str, Any], counts: Counter[str], saved: Any) -> dict[str, Any] | None:
    """Move one quest by one save; the notice if it completed now, else None."""
    if live["status"] != DailyQuest.Status.ACTIVE:
        return None
    if live["distinct"]:
        people = {str(e["data"].get("person_id")) for e in saved.events if e.get("kind") == "conversation"}
        seen = sorted(set(live["seen"]) | people)
        if len(seen) == len(live["seen"]):
            return None
        live["seen"] = seen
        live["progress"] = min(live["target"], len(seen))
    else:
        amount = counts.get(live["count"], 0)
        if amount <= 0:
            return None
        live["progress"] = min(live["target"], live["progress"] + int(amount))
    if live["progress"] < live["target"]:
        return None
    live["status"] = DailyQuest.Status.COMPLETED
    return {
        "kind": "quest_completed",
        "at": int(saved.character.state.get("clock") or saved.character.game_clock),
        "data": {
            "text": f"Quest complete: {live['description']}. Claim your {live['reward']} diamonds.",
            "quest": {
                "quest_id": quest_id,
                "type": live["type"],
                "difficulty": live["difficulty"],
                "description": live["description"],
                "progress": live["progress"],
                "target": live["target"],
                "reward": live["reward"],
                "status": live["status"],
            },
        },
    }


def reset(*, now: datetime | None = None, seen_within_days: int = 2) -> int:
    """The daily reset (periodic, hourly: some player's midnight passes every hour): today's quests
    for every player seen lately, in their own day. Idempotent; returns the quests created."""
    now = now or timezone.now()
    made = 0
    players = Player.objects.filter(last_seen_at__gte=now - timedelta(days=seen_within_days)).values_list(
        "pk", "time_zone"
    )
    for player_id, _zone in players.iterator(chunk_size=500):
        before = DailyQuest.objects.filter(player_id=player_id).count()
        _today(player_id, now)  # begins the player's new quest day if one is due (idempotent)
        made += DailyQuest.objects.filter(player_id=player_id).count() - before
    return made

"""Skipping game time (a paid skip): the same engine as live play, over at most one game week."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from game import engine
from game.models import Character
from game.services import content as content_service
from game.services import life

MAX_SKIP = engine.WEEK
NOTABLE = {"question", "payday", "aged", "exam", "holiday", "bill", "milestone"}


@dataclass(frozen=True)
class Skip:
    skipped_seconds: int
    summary: list[str]
    events: list[dict[str, Any]]


def _until_next_event(state: engine.LifeState, content: engine.Content, limit: int) -> int:
    """Game seconds to the next notable event (a question, a payday, a birthday...), at most `limit`."""
    probe, start = state, state.clock
    while probe.clock - start < limit and not probe.dead:
        end = min(start + limit, probe.clock + engine.DAY)
        nxt, events = engine.advance(probe, probe.clock, end, [], content)
        notable = [ev.at for ev in events if ev.kind in NOTABLE]
        if notable:
            return max(1, min(notable) - start)
        probe = nxt
    return limit


def summarise(before: engine.LifeState, after: engine.LifeState, events: list[engine.Event]) -> list[str]:
    """A readable account of the skipped span, for the player and for the purchase log."""
    lines: list[str] = []
    for ev in events:
        if ev.kind == "question_resolved" and ev.data.get("by") == "expiry":
            lines.append(f"Unanswered question settled with its default answer: {ev.data.get('text', '')}".strip())
        elif ev.kind in ("milestone", "aged", "payday", "exam", "holiday", "bill") or ev.data.get("text"):
            text = ev.data.get("text") or ev.kind.replace("_", " ")
            lines.append(str(text))
    counts = Counter(ev.kind for ev in events)
    for stat in ("health", "happiness", "smarts", "looks"):
        delta = getattr(after, stat) - getattr(before, stat)
        if delta:
            lines.append(f"{stat.capitalize()} {delta:+d}")
    if after.money != before.money:
        lines.append(f"Money {after.money - before.money:+d}")
    if not lines:
        lines.append("Time passed quietly.")
    if counts.get("question"):
        lines.append(f"{counts['question']} new question(s) are waiting for you.")
    return lines


def skip_time(
    *, character: Character, seconds: int, until_next_event: bool = False, now: datetime | None = None
) -> Skip:
    """Advance a locked life by `seconds` (or to its next event, at most `seconds`; never more than a
    week), save it, and say what happened."""
    now = now or timezone.now()
    content = content_service.current()
    before, state, caught = life.catch_up_living(character, now)
    span = min(seconds, MAX_SKIP)
    if until_next_event:
        span = _until_next_event(state, content, span)
    start_state = state
    state, events = engine.advance(state, state.clock, state.clock + span, [], content)
    character.anchor_game += span  # the clock stays ahead by what was bought
    life.save(
        character=character, before=before, state=state, events=caught + events, now=now, extra_fields=("anchor_game",)
    )
    return Skip(
        skipped_seconds=span, summary=summarise(start_state, state, events), events=[ev.to_dict() for ev in events]
    )

"""A paid time skip sells the player's waiting: `hour`, `day` and `week` skip that much real time
of the life (at the default pace a real day is a game year), at most a real week; `next_event` runs
to the next question. The same engine as live play. A major decision stops the skip where it is
raised (a skip never decides for the player); the part not used is given back (purchases.py).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from game import engine, narrate
from game.models import Character
from game.services import clock, engine_pool, life
from game.services import content as content_service

MAX_REAL_SECONDS = 7 * 24 * 3600  # the one-week cap, in real waiting


@dataclass(frozen=True)
class Skip:
    skipped_seconds: int  # game seconds the life moved on
    wanted_seconds: int  # game seconds that were paid for
    summary: list[str]
    events: list[dict[str, Any]]
    stopped_for: dict[str, Any] | None  # the major decision that stopped the skip, as its question

    @property
    def used(self) -> float:
        """The share of the paid span that was skipped (1.0 unless a decision stopped it)."""
        return self.skipped_seconds / self.wanted_seconds if self.wanted_seconds else 1.0


def game_span(real_seconds: int) -> int:
    """The game seconds of `real_seconds` of waiting at the game's pace (capped at a real week)."""
    return int(min(real_seconds, MAX_REAL_SECONDS) * clock.pace())


def _until_next_question(state: engine.LifeState, content: engine.Content, limit: int) -> int:
    """Game seconds to the next question raised (at most `limit`): the span is run once to find it;
    the engine replays it exactly when the skip runs to that moment (split-invariance)."""
    _, events = engine_pool.advance(state, state.clock, state.clock + limit, [], content)
    asked = [ev.at for ev in events if ev.kind == "question"]
    return max(1, min(asked) - state.clock) if asked else limit


CaughtUp = tuple[dict[str, Any], engine.LifeState, list[engine.Event], datetime]


def ready_to_skip(character: Character, now: datetime | None = None) -> CaughtUp:
    """The locked life caught up to now, or `forbidden` "First decide: ..." while a major decision
    waits (checked before anything is charged)."""
    now = now or timezone.now()
    before, state, caught = life.catch_up_living(character, now)
    if state.held_by is not None:
        raise life.as_game_error(engine.NotAllowed(f"First decide: {state.held_by.text}", event_id=state.held_by.id))
    return before, state, caught, now


def skip_time(
    *,
    character: Character,
    real_seconds: int,
    until_next_event: bool = False,
    caught_up: CaughtUp | None = None,
) -> Skip:
    """Move a locked life on by `real_seconds` of waiting (or to its next question), save it, and say
    what happened, for a person. Refused while a major decision waits (answer it first)."""
    content = content_service.current()
    before, state, caught, now = caught_up or ready_to_skip(character)
    wanted = game_span(real_seconds)
    span = _until_next_question(state, content, wanted) if until_next_event else wanted
    start_state = state
    # the long run goes to a worker process: on this thread it would hold the GIL every socket needs
    state, events = engine_pool.advance(state, state.clock, state.clock + span, [], content)
    # a life that ends inside the skip used only the time up to its death: the rest is given back
    skipped = (state.died_at or state.clock) - start_state.clock if state.dead else state.clock - start_state.clock
    character.anchor_game += skipped  # the clock stays ahead by what was bought
    life.save(
        character=character,
        before=before,
        state=state,
        events=caught + events,
        now=now,
        extra_fields=("anchor_game",),
        summarized=len(events),  # the reply's summary tells them
    )
    held = state.held_by
    event_dicts = [ev.to_dict() for ev in events]
    summary = narrate.span(start_state.to_dict(), state.to_dict(), event_dicts)
    if held is not None:
        summary.append(f"The skip stopped here: a decision needs you. {held.text}")
    return Skip(
        skipped_seconds=skipped,
        wanted_seconds=span,
        summary=summary,
        events=event_dicts,
        stopped_for=held.payload() if held else None,
    )

"""The player's actions on their life: activities, answers to questions, conversations, a new life.

Each runs in one transaction on the locked life: catch up to now, apply, save. A refusal raises
before anything is written, so the transaction rolls back and nothing changes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import GameError
from core.pushes import push_to_player
from game import engine, wire
from game.models import Character, ConversationLine
from game.services import content as content_service
from game.services import energy, life, sentiment


@dataclass(frozen=True)
class Played:
    """A player's action done: the life as saved, and the engine events of the action itself."""

    character: Character
    events: list[dict[str, Any]]


@dataclass(frozen=True)
class Talked:
    """A conversation line answered: the person's reply, its scoring, and the person after it."""

    reply: str
    sentiment: float
    affinity_change: float
    person: dict[str, Any]  # as the life's state holds them


def _locked_life(player_id: int) -> tuple[Character, dict[str, Any], engine.LifeState, list]:
    character = life.living_character(player_id=player_id)
    before, state, events = life.catch_up_living(character, timezone.now())
    return character, before, state, events


def do_activity(
    *,
    player_id: int,
    activity: str,
    target: str | None = None,
    check: Callable[[engine.LifeState], None] | None = None,
    options: dict[str, Any] | None = None,
) -> Played:
    """`check(state)` runs on the locked, caught-up life before the activity (a refusal changes nothing);
    `options` reach the activity's special (a planned date's venue, activity and gift)."""
    with transaction.atomic():
        character, before, state, events = _locked_life(player_id)
        if check is not None:
            check(state)
        content = content_service.current()
        free = energy.unlimited_active(player_id=player_id)
        try:
            state, done = engine.apply_activity(
                state, state.clock, activity, content, target=target, unlimited_energy=free, options=options
            )
        except engine.EngineError as exc:
            raise life.as_game_error(exc) from exc
        life.save(character=character, before=before, state=state, events=events + done, now=timezone.now())
        return Played(character, [ev.to_dict() for ev in done])


def job_board(*, player_id: int) -> tuple[engine.LifeState, list[dict[str, Any]]]:
    """The life as it is now (not saved: a read) and its job board."""
    character = life.current_character(player_id=player_id, lock=False)
    _, state, _ = life.catch_up_living(character, timezone.now())
    return state, engine.job_board(state, content_service.current())


def apply_for_job(*, player_id: int, track: str, leave_current: bool = False) -> Played:
    """Apply for a track's entry job (the `apply_job` activity, its energy, hours and odds). Leaving a
    job for it is never silent: the player says so with `leave_current`."""

    def would_not_leave(state: engine.LifeState) -> None:  # on the locked life: no job can sneak in between
        job = state.job
        if job is not None and job.track != track and not leave_current:
            raise GameError(
                "conflict",
                f"You work as {job.title} at {job.employer}; if hired, you would leave. "
                "Apply with leave_current to go ahead.",
                fields=["leave_current"],
            )

    return do_activity(player_id=player_id, activity="apply_job", target=track, check=would_not_leave)


def choose(*, player_id: int, event_id: str, choice: str) -> Played:
    with transaction.atomic():
        character, before, state, events = _locked_life(player_id)
        try:
            state, done = engine.apply_choice(state, state.clock, event_id, choice, content_service.current())
        except engine.EngineError as exc:
            raise life.as_game_error(exc) from exc
        life.save(character=character, before=before, state=state, events=events + done, now=timezone.now())
        return Played(character, [ev.to_dict() for ev in done])


def talk(*, player_id: int, person_id: str, text: str) -> Talked:
    score = sentiment.score(text)
    with transaction.atomic():
        character, before, state, events = _locked_life(player_id)
        at = state.clock
        try:
            state, done, reply, change = engine.apply_talk(
                state,
                at,
                person_id,
                text,
                score,
                content_service.current(),
                unlimited_energy=energy.unlimited_active(player_id=player_id),
            )
        except engine.EngineError as exc:
            raise life.as_game_error(exc) from exc
        life.save(character=character, before=before, state=state, events=events + done, now=timezone.now())
        ConversationLine.objects.bulk_create(
            [
                ConversationLine(
                    character=character, person_id=person_id, speaker="player", text=text, sentiment=score, game_time=at
                ),
                ConversationLine(
                    character=character,
                    person_id=person_id,
                    speaker="person",
                    text=reply,
                    affinity_change=change,
                    game_time=at,
                ),
            ]
        )
        person = next(p for p in character.state["people"] if p["id"] == person_id)
        for speaker, line in (("player", text), ("person", reply)):
            push_to_player(
                player_id, wire.conversation_event(person_id=person_id, speaker=speaker, text=line, game_time=at)
            )
        return Talked(reply=reply, sentiment=score, affinity_change=change, person=person)


def start_new_life(*, player_id: int, as_child: str | None = None) -> Character:
    """After a death, a new life, or the same family's next generation (`as_child`: an adult child of
    the life that ended, who inherits); refused while the current one goes on."""
    with transaction.atomic():
        current = life.current_character(player_id=player_id, lock=True)  # the life first: the lock order
        if current.alive:
            raise GameError("conflict", "The current life has not ended.")
        if current.current_of_id != player_id:
            raise GameError("conflict", "A new life has already begun.")  # a concurrent request won
        if as_child is not None:
            return life.continue_as_child(player_id=player_id, ended=current, child_id=as_child)
        return life.start_life(player_id=player_id)

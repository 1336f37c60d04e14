"""The one way the game tells the apps above it what happened in a life: typed life outcomes.

Shaped like `core.verbs`: each app registers its handlers in its own `life_hooks.py` module
(imported by `load_all`, as the verbs' `handlers.py` are), for the outcome kinds it cares about.
The game calls `dispatch` once per saved advance of a life, inside that save's transaction, so a
handler's writes (diamonds, achievements, photos ...) commit or roll back with the life. Handlers
run in ascending `order`, then by name; `python manage.py life_hooks` prints the list. No Django
signals: a reader follows the chain from `game.services.life.after_side_effects` to here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from core.discovery import import_from_every_app

# The outcome kinds the engine produces (its events' `kind`), and what they carry in `data`.
KINDS = frozenset(
    {
        "milestone",  # data.milestone: graduation, promotion, hired, fired, retired, marriage, death ...
        "activity",  # data.activity: what the character did, its target and effects
        "conversation",  # a line said to a person, the reply, the affinity change
        "question",  # a life event that waits for the player's answer
        "question_resolved",  # a question settled, by the player or by default (data.by)
        "person_changed",  # someone met, a relation or affinity changed (data.reason, data.person)
        "exam",  # a school exam and its result
        "payday",  # money earned
        "bill",  # money spent on living
        "holiday",
        "aged",  # a birthday
        "message",  # a notice for the player (rejected, quit, not qualified ...)
    }
)


@dataclass(frozen=True)
class LifeOutcome:
    """One thing that happened in a life, as the engine reported it."""

    player_id: int
    character_id: int
    kind: str
    at: int  # game time, seconds
    data: dict[str, Any] = field(default_factory=dict)
    event: dict[str, Any] = field(default_factory=dict)  # the engine's whole event, for handlers that need it


@dataclass(frozen=True)
class SavedLife:
    """One saved advance of a life, whole, for handlers that read what they need once per save
    (`on_saved_lives`): its outcomes, the life as saved, and `notices` a handler may add — engine-shaped
    events (`{"kind", "at", "data": {"text", ...}}`) the player is told like the life's own."""

    character: Any  # game.models.Character, as saved
    outcomes: list[LifeOutcome]
    events: list[dict[str, Any]]
    notices: list[dict[str, Any]] = field(default_factory=list)

    @property
    def player_id(self) -> int:
        return int(self.character.player_id)


Handler = Callable[[LifeOutcome], None]
SavedHandler = Callable[[list[SavedLife]], None]


@dataclass(frozen=True)
class Registration:
    name: str
    order: int
    kinds: frozenset[str]
    handler: Handler | None = None
    saved: SavedHandler | None = None  # a handler of whole saves (`on_saved_lives`)


REGISTRY: dict[str, Registration] = {}
_ordered: list[Registration] | None = None  # the run order, computed once all apps are loaded


def on_outcome(*kinds: str, order: int, name: str) -> Callable[[Handler], Handler]:
    """Register `handler(outcome)` for these outcome kinds (all kinds when none is named)."""
    unknown = set(kinds) - KINDS
    if unknown:
        raise ValueError(f"unknown outcome kinds {sorted(unknown)}")

    def register(handler: Handler) -> Handler:
        global _ordered
        if name in REGISTRY:
            raise RuntimeError(f"life hook {name!r} registered twice")
        REGISTRY[name] = Registration(name=name, order=order, kinds=frozenset(kinds) or KINDS, handler=handler)
        _ordered = None
        return handler

    return register


def on_saved_lives(*, order: int, name: str) -> Callable[[SavedHandler], SavedHandler]:
    """Register `handler(saves)`: called once with every saved advance that has outcomes — one for a
    player's action, a whole chunk of lives for the tick — so it reads what it needs in one query, not
    one per outcome or per life."""

    def register(handler: SavedHandler) -> SavedHandler:
        global _ordered
        if name in REGISTRY:
            raise RuntimeError(f"life hook {name!r} registered twice")
        REGISTRY[name] = Registration(name=name, order=order, kinds=KINDS, saved=handler)
        _ordered = None
        return handler

    return register


def load_all() -> list[Registration]:
    """Import every installed app's `life_hooks` module once; the handlers in the order they run."""
    global _ordered
    if _ordered is None:
        import_from_every_app("life_hooks")
        _ordered = sorted(REGISTRY.values(), key=lambda r: (r.order, r.name))
    return _ordered


def unregister(name: str) -> None:
    """Take a handler out (tests)."""
    global _ordered
    REGISTRY.pop(name, None)
    _ordered = None


def outcomes_of(*, player_id: int, character_id: int, events: Iterable[dict[str, Any]]) -> list[LifeOutcome]:
    return [
        LifeOutcome(
            player_id=player_id,
            character_id=character_id,
            kind=ev["kind"],
            at=int(ev.get("at", 0)),
            data=ev.get("data") or {},
            event=ev,
        )
        for ev in events
        if ev.get("kind") in KINDS
    ]


def dispatch(*, character: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hand one saved advance's outcomes to every registered handler, in order, in the caller's
    transaction; returns the notices handlers added for the player."""
    return dispatch_many([(character, events)])[0]


def dispatch_many(saves: list[tuple[Any, list[dict[str, Any]]]]) -> list[list[dict[str, Any]]]:
    """`dispatch` for many lives saved together (the tick's chunk): each handler once for all of them.
    Returns each save's notices, in the order of `saves`."""
    whole = [
        SavedLife(character=c, outcomes=outcomes_of(player_id=c.player_id, character_id=c.pk, events=e), events=e)
        for c, e in saves
    ]
    heard = [s for s in whole if s.outcomes]
    if heard:
        for registration in load_all():
            if registration.saved is not None:
                registration.saved(heard)
                continue
            assert registration.handler is not None
            for saved in heard:
                for outcome in saved.outcomes:
                    if outcome.kind in registration.kinds:
                        registration.handler(outcome)
    return [s.notices for s in whole]

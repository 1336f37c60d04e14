"""Reads of the game's state that handlers and other apps may call."""

from typing import Any

from accounts.models import Player
from game.models import Character
from game.services.notify import person_object, question_push
from monetization import selectors as economy

CHARACTER_FIELDS = (
    "name",
    "gender",
    "age",
    "stage",
    "health",
    "happiness",
    "smarts",
    "looks",
    "energy",
    "money",
    "location",
    "education",
    "job",
    "retired",
    "inventory",
    "counters",
    "dead",
    "cause_of_death",
    "summary",
)


def character_object(character: Character) -> dict[str, Any]:
    state = character.state
    data = {k: state.get(k) for k in CHARACTER_FIELDS}
    data.update(
        id=character.pk,
        time=state["clock"],
        alive=character.alive,
        people=[person_object(p) for p in state.get("people", [])],
        pending_events=[question_push(character, q) for q in state.get("pending", [])],
    )
    return data


def player_object(player_id: int, *, character: Character | None = None) -> dict[str, Any]:
    """The protocol's `playerObject`: the account and its current life.

    Pass the `character` a caller has just saved, to spare reading and decoding its state again.
    """
    if character is None:
        player = Player.objects.select_related("user", "current_character", economy.WALLET).get(pk=player_id)
        character = getattr(player, "current_character", None)
    else:
        player = Player.objects.select_related("user", economy.WALLET).get(pk=player_id)
    return {
        "player_id": player.pk,
        "guest": player.is_guest,
        "email": player.user.email or None,
        "diamonds": economy.diamonds_of(player),
        "created_at": player.created_at.isoformat(),
        "character": character_object(character) if character else None,
    }


def person(*, player_id: int, person_id: str) -> dict[str, Any] | None:
    state = Character.objects.filter(current_of_id=player_id).values_list("state", flat=True).first()
    if state is None:
        return None
    found = next((p for p in state.get("people", []) if p["id"] == person_id), None)
    return person_object(found) if found else None

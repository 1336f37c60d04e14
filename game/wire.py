"""The protocol's objects, one function each (docs/protocol.md): a field is added here, once.

Services return domain results (a saved life, engine events, a reply line); handlers and the push
delivery shape them into these objects. Nothing here reads the database: callers pass what they read.
"""

from datetime import datetime, timedelta
from typing import Any

from accounts.models import Player
from accounts.selectors import Grace
from game import narrate
from game.models import Character
from game.services import clock
from monetization.selectors import diamonds_of

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
    "assets",
    "counters",
    "dead",
    "cause_of_death",
    "summary",
)
PERSON_FIELDS = ("id", "name", "relation", "gender", "age", "traits", "affinity", "alive")
U_FIELDS = ("energy", "money", "age", "stage", "health", "happiness", "smarts", "looks", "location")


def real_time_of(character: Character, game_time: int) -> datetime:
    """When, in real time, the life reaches `game_time` at the current pace (for expiries)."""
    return character.anchor_real + timedelta(seconds=(game_time - character.anchor_game) / clock.pace())


def player_object(player: Player, character: Character | None) -> dict[str, Any]:
    """`playerObject`: the account and its current life (`player` loaded with the wallet)."""
    return {
        "player_id": player.pk,
        "guest": player.is_guest,
        "email": player.user.email or None,
        "diamonds": diamonds_of(player),
        "created_at": player.created_at.isoformat(),
        "character": character_object(character) if character else None,
    }


def character_object(character: Character) -> dict[str, Any]:
    """`characterObject`: the life's figures, people and pending questions."""
    state = character.state
    data = {k: state.get(k) for k in CHARACTER_FIELDS}
    data.update(
        id=character.pk,
        time=state["clock"],
        alive=character.alive,
        people=[person_object(p) for p in state.get("people", [])],
        pending_events=[question_event(character, q) for q in state.get("pending", [])],
    )
    return data


def person_object(person: dict[str, Any]) -> dict[str, Any]:
    """`personObject` (as a reply field; as a push it also has `type` and `reason`)."""
    return {k: person.get(k) for k in PERSON_FIELDS}


def person_push(person: dict[str, Any], reason: str | None) -> dict[str, Any]:
    return {"type": "personObject", **person_object(person), "reason": reason}


def question_event(character: Character, question: dict[str, Any]) -> dict[str, Any]:
    """`questionEvent`: a pending question with its choices and real-time expiry."""
    push = {
        "type": "questionEvent",
        "event_id": question["event_id"] if "event_id" in question else question["id"],
        "text": question["text"],
        "choices": question["choices"],
        "major": bool(question.get("major")),  # it holds the life's clock until answered
    }
    expires = question.get("expires_at")
    if expires is not None:  # optional in the protocol: left out rather than null
        push["expires_at"] = real_time_of(character, expires).isoformat()
        push["game_expires_at"] = expires
    return push


def message_event(event: dict[str, Any]) -> dict[str, Any]:
    """`messageEvent`: anything else the life tells the player (a milestone, a payday, a bill ...)."""
    kind, data = event["kind"], event.get("data", {})
    return {
        "type": "messageEvent",
        "kind": data.get("milestone", kind),
        "text": narrate.event(event),
        "game_time": event["at"],
        "data": data,
    }


def conversation_event(*, person_id: str, speaker: str, text: str, game_time: int) -> dict[str, Any]:
    """`conversationEvent`: one line of a conversation, the player's or the person's."""
    return {
        "type": "conversationEvent",
        "person_id": person_id,
        "speaker": speaker,
        "text": text,
        "game_time": game_time,
    }


def job_board(job: dict[str, Any] | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The `get_job_board` reply: the current job, and each track's entry job with whether the life
    qualifies (`requirement` says what it lacks)."""
    current = None
    if job:
        current = {k: job.get(k) for k in ("track", "title", "employer", "salary", "performance")}
    return {"current": current, "jobs": rows}


def figures(state: dict[str, Any]) -> dict[str, Any]:
    """The life's figures a `u` push may carry (diamonds come from the ledger's own push)."""
    return {**{k: state.get(k) for k in U_FIELDS}, "time": state.get("clock")}


def u_push(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any] | None:
    """`u`: the figures that changed, or None when none did."""
    old, new = figures(before), figures(after)
    changed = {k: v for k, v in new.items() if old.get(k) != v}
    return {"type": "u", **changed} if changed else None


def event_push(character: Character, event: dict[str, Any]) -> dict[str, Any]:
    """The push of one engine event."""
    kind, data = event["kind"], event.get("data", {})
    if kind == "question":
        return question_event(character, data.get("question", data))
    if kind == "person_changed":
        return person_push(data["person"], data.get("reason"))
    return message_event(event)


def pending_deletion(grace: Grace) -> dict[str, Any]:
    """The `auth` reply's `pending_deletion`: the account waits for deletion until `permanent_deletion_at`."""
    return {
        "requested_at": grace.requested_at.isoformat(),
        "permanent_deletion_at": grace.permanent_deletion_at.isoformat(),
    }


def notice(*, kind: str, text: str, data: dict[str, Any]) -> dict[str, Any]:
    """`messageEvent` of the server (not of a life): an export ready, a deletion cancelled..."""
    return {"type": "messageEvent", "kind": kind, "text": text, "data": data}

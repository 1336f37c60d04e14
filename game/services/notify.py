"""From engine events to the protocol's pushes, delivered now or kept for the player's return."""

from datetime import datetime, timedelta
from typing import Any

from core import presence
from core.pushes import push_to_player
from game.models import Character
from game.services import clock, offline

U_FIELDS = ("energy", "money", "age", "stage", "health", "happiness", "smarts", "looks", "location")


def real_time_of(character: Character, game_time: int) -> datetime:
    """When, in real time, the life reaches `game_time` at the current pace (for expiries)."""
    return character.anchor_real + timedelta(seconds=(game_time - character.anchor_game) / clock.pace())


def person_object(person: dict[str, Any]) -> dict[str, Any]:
    """The protocol's personObject."""
    keys = ("id", "name", "relation", "gender", "age", "traits", "affinity", "alive")
    return {k: person.get(k) for k in keys}


def question_push(character: Character, question: dict[str, Any]) -> dict[str, Any]:
    push = {
        "type": "questionEvent",
        "event_id": question["event_id"] if "event_id" in question else question["id"],
        "text": question["text"],
        "choices": question["choices"],
    }
    expires = question.get("expires_at")
    if expires is not None:  # optional in the protocol: left out rather than null
        push["expires_at"] = real_time_of(character, expires).isoformat()
        push["game_expires_at"] = expires
    return push


def event_pushes(character: Character, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One push per engine event (same order and length as `events`)."""
    pushes: list[dict[str, Any]] = []
    for ev in events:
        kind, data = ev["kind"], ev.get("data", {})
        if kind == "question":
            pushes.append(question_push(character, data.get("question", data)))
        elif kind == "person_changed":
            pushes.append({"type": "personObject", **person_object(data["person"]), "reason": data.get("reason")})
        else:
            text = data.get("text") or kind.replace("_", " ")
            pushes.append(
                {
                    "type": "messageEvent",
                    "kind": data.get("milestone", kind),
                    "text": text,
                    "game_time": ev["at"],
                    "data": data,
                }
            )
    return pushes


def figures(state: dict[str, Any]) -> dict[str, Any]:
    """The life's figures a `u` push may carry (diamonds come from the ledger's own push)."""
    return {**{k: state.get(k) for k in U_FIELDS}, "time": state.get("clock")}


def changed_figures(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    old, new = figures(before), figures(after)
    return {k: v for k, v in new.items() if old.get(k) != v}


def deliver(
    *,
    player_id: int,
    character: Character,
    before: dict[str, Any],
    after: dict[str, Any],
    events: list[dict[str, Any]],
    now: datetime,
    online: bool | None = None,
    outbox: list[tuple[int, dict[str, Any]]] | None = None,
    offline_outbox: list[offline.Kept] | None = None,
) -> None:
    """Push `u` and the events to an online player; keep the events for an offline one.

    With `outbox` / `offline_outbox`, pushes are appended there for the caller to send or keep
    in one go (the tick).
    """
    pushes = event_pushes(character, events)
    if online is None:
        online = presence.is_online(player_id)
    if online:
        changed = changed_figures(before, after)
        outgoing = ([{"type": "u", **changed}] if changed else []) + pushes
        if outbox is not None:
            outbox.extend((player_id, push) for push in outgoing)
        else:
            for push in outgoing:
                push_to_player(player_id, push)
    else:
        kept = [
            (player_id, min(now, real_time_of(character, ev["at"])), push)
            for ev, push in zip(events, pushes, strict=True)
        ]
        if offline_outbox is not None:
            offline_outbox.extend(kept)
        else:
            offline.enqueue_many(kept)

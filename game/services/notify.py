"""From engine events to the protocol's pushes, delivered now or kept for the player's return."""

from datetime import datetime
from typing import Any

from core import presence
from core.pushes import push_to_player
from game import wire
from game.models import Character
from game.services import offline


def worth_pushing(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events a player is told about one by one: a question already settled within the same
    span (a skip, a catch-up) is not pushed as open; its outcome is (`question_resolved`)."""
    settled = {ev["data"].get("event_id") for ev in events if ev["kind"] == "question_resolved"}
    died = any(ev["kind"] == "milestone" and ev["data"].get("milestone") == "death" for ev in events)
    return [
        ev for ev in events if not (ev["kind"] == "question" and (died or ev["data"].get("event_id") in settled))
    ]  # a death closes every open question


def told_in_reply(events: list[dict[str, Any]], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Of a span the reply already tells (a time skip's summary and `player`), what is still pushed
    one by one: the questions still open at its end, and each changed person once, as they are now.
    A week skip runs 7 game years: its hundreds of messages belong in the summary, not in pushes."""
    open_ids = {q["id"] for q in after.get("pending", [])}
    last_change: dict[str, dict[str, Any]] = {}
    kept: list[dict[str, Any]] = []
    for ev in events:
        if ev["kind"] == "question" and ev["data"].get("event_id") in open_ids:
            kept.append(ev)
        elif ev["kind"] == "person_changed":
            last_change[ev["data"]["person"]["id"]] = ev
    people = {p["id"]: p for p in after.get("people", [])}
    for person_id, ev in last_change.items():
        now_person = people.get(person_id, ev["data"]["person"])
        kept.append({**ev, "data": {**ev["data"], "person": now_person}})
    return kept


def event_pushes(character: Character, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One push per engine event (same order and length as `events`)."""
    return [wire.event_push(character, ev) for ev in events]


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
    summarized: int = 0,
    notices: list[dict[str, Any]] | None = None,
) -> None:
    """Push `u` and the events to an online player; keep the events for an offline one.

    With `outbox` / `offline_outbox`, pushes are appended there for the caller to send or keep
    in one go (the tick). The last `summarized` events are told in the reply that caused them
    (`told_in_reply`).
    """
    if summarized:
        events = events[:-summarized] + told_in_reply(events[-summarized:], after)
    events = worth_pushing(events) + (notices or [])  # notices: what the life hooks tell (achievements ...)
    pushes = event_pushes(character, events)
    if online is None:
        online = presence.is_online(player_id)
    if online:
        u = wire.u_push(before, after)
        outgoing = ([u] if u else []) + pushes
        if outbox is not None:
            outbox.extend((player_id, push) for push in outgoing)
        else:
            for push in outgoing:
                push_to_player(player_id, push)
    else:
        kept = [
            (player_id, min(now, wire.real_time_of(character, ev["at"])), push)
            for ev, push in zip(events, pushes, strict=True)
        ]
        if offline_outbox is not None:
            offline_outbox.extend(kept)
        else:
            offline.enqueue_many(kept)


def tell(*, player_id: int, kind: str, text: str, data: dict[str, Any], now: datetime) -> None:
    """A notice of the server (an export ready): pushed to an online player, kept for an offline one."""
    push = wire.notice(kind=kind, text=text, data=data)
    if presence.is_online(player_id):
        push_to_player(player_id, push)
    else:
        offline.enqueue(player_id=player_id, pushes=[(now, push)])

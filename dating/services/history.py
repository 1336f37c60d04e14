"""`relationship_events`: what happened between the player and each person, recorded from the life's
own outcomes (game/hooks.py) — never from what a client says. Met, every stage change, each action and
date with its sentence, each life event about them and the answer. Later replies read it (`get_bio`)."""

from typing import Any

from dating.life.bonds import stage_of
from dating.models import RelationshipEvent
from game import engine
from game.hooks import SavedLife

DATING_ACTIVITIES = ("plan_date",)


def _row(saved: SavedLife, people: dict[str, dict[str, Any]], ev: dict[str, Any]) -> RelationshipEvent | None:
    kind, data = ev["kind"], ev.get("data") or {}
    person: dict[str, Any] | None = None
    text = ""
    detail: dict[str, Any] = {}
    if kind == "person_changed" and data.get("reason") in ("met", "relation", "exclusive"):
        person = data.get("person")
        row_kind = "met" if data["reason"] == "met" else "stage"
        if data.get("was"):
            detail["was"] = data["was"]
        for key in ("money_lost", "assets_lost"):
            if key in data:
                detail[key] = data[key]
    elif kind == "activity" and isinstance(data.get("effects"), dict) and data["effects"].get("person_id"):
        effects = data["effects"]
        if data.get("activity") not in DATING_ACTIVITIES and "text" not in effects:
            return None
        person = people.get(effects["person_id"])
        row_kind = "date" if data.get("activity") == "plan_date" else "action"
        text = str(effects.get("story") or effects.get("text") or "")
        detail = {"activity": data.get("activity"), "affinity": effects.get("affinity")}
        if row_kind == "date":
            detail.update(
                venue=effects.get("venue"), date_activity=effects.get("date_activity"), score=effects.get("score")
            )
    elif kind == "question_resolved" and data.get("person_id"):
        person = people.get(data["person_id"])
        row_kind = "event"
        text = str(data.get("text") or "")
        detail = {"template": data.get("template"), "choice": data.get("choice"), "by": data.get("by")}
    else:
        return None
    if not person:
        return None
    current = people.get(person["id"], person)
    return RelationshipEvent(
        character=saved.character,
        person_id=person["id"],
        person_name=person.get("name", ""),
        kind=row_kind,
        stage=stage_of(engine.Person.from_dict(current)) if "traits" in current else "",
        detail=detail,
        text=text[:2000],
        game_time=int(ev["at"]),
    )


def record(saves: list[SavedLife]) -> None:
    """One bulk insert for every save of the batch (an action, or a tick's chunk of lives)."""
    rows: list[RelationshipEvent] = []
    for saved in saves:
        people = {p["id"]: p for p in saved.character.state.get("people", [])}
        for ev in saved.events:
            row = _row(saved, people, ev)
            if row is not None:
                rows.append(row)
    if rows:
        RelationshipEvent.objects.bulk_create(rows)

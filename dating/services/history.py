"""`relationship_events`: what happened between the player and each person, recorded from the life's
own outcomes (game/hooks.py) — never from what a client says. Met, every stage change, each action and
date with its sentence, each life event about them and the answer. Later replies read it (`get_bio`)."""

from typing import Any

from dating.life.bonds import stage_of
from dating.models import RelationshipEvent
from game import engine
from game.hooks import SavedLife

DATING_ACTIVITIES = ("plan_date",)
COURTED = ("acquaintance", "friend", "partner", "fiance", "spouse")  # who a `met` row is kept for
STAGE_TEXT = {  # a stage change as the history tells it
    "acquaintance": "You and {name} know each other now.",
    "friend": "You and {name} became friends.",
    "dating": "You and {name} started dating.",
    "exclusive": "You and {name} became exclusive.",
    "engaged": "You and {name} got engaged.",
    "married": "You married {name}.",
    "separated": "You and {name} separated.",
    "ex": "You and {name} broke up.",
    "divorced": "You and {name} divorced.",
}


def _row(saved: SavedLife, people: dict[str, dict[str, Any]], ev: dict[str, Any]) -> RelationshipEvent | None:
    kind, data = ev["kind"], ev.get("data") or {}
    person: dict[str, Any] | None = None
    text = ""
    detail: dict[str, Any] = {}
    if kind == "person_changed" and data.get("reason") in ("met", "relation", "exclusive"):
        person = data.get("person")
        if data["reason"] == "met" and (person or {}).get("relation") not in COURTED:
            return None  # a classmate or coworker met is the life's business, not a relationship's
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
    if row_kind in ("met", "stage"):
        current = person  # as it was at that moment (a save may hold several changes)
        first = str(person.get("name", "")).split(" ")[0]
        stage_now = stage_of(engine.Person.from_dict(person)) if "traits" in person else ""
        text = f"You met {first}." if row_kind == "met" else STAGE_TEXT.get(stage_now, "").format(name=first)
    else:
        current = people.get(person["id"], person)
    stage = (kind == "activity" and data["effects"].get("stage")) or (
        stage_of(engine.Person.from_dict(current)) if "traits" in current else ""
    )
    return RelationshipEvent(
        character=saved.character,
        person_id=person["id"],
        person_name=person.get("name", ""),
        kind=row_kind,
        stage=str(stage),
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

"""The player drives a relationship: one action with one person (`relationship_action`) or a planned
date (`plan_date`). Both are activities of the game with dating's specials, so they run like any other:
on the locked life, caught up, refused before anything changes, saved with the hooks in one transaction."""

from typing import Any

from analytics.services.events import record
from core.errors import GameError
from dating.services.profiles import person_reply
from game import engine
from game.services import actions
from game.services import content as content_service


def _activity_event(events: list[dict[str, Any]], activity: str) -> dict[str, Any]:
    return next(e for e in reversed(events) if e["kind"] == "activity" and e["data"].get("activity") == activity)


def _person(done: actions.Played, person_id: str) -> dict[str, Any] | None:
    for p in done.character.state["people"]:
        if p["id"] == person_id:
            return person_reply(engine.Person.from_dict(p))
    return None  # they left the life on the way (made room for someone new)


def actions_available(content: engine.Content) -> list[str]:
    return sorted(a.id for a in content.activities.values() if a.special == "relationship")


def relationship_action(
    *, player_id: int, person_id: str, action: str, gift: str | None
) -> tuple[actions.Played, dict]:
    """Do `action` with `person_id`; returns the saved play and what it did (`text`, `stage`, ...)."""
    known = actions_available(content_service.current())
    if action not in known:
        raise GameError(
            "bad_request", f"There is no action {action!r}. Actions: {', '.join(known)}.", fields=["action"]
        )
    if gift is not None and action != "give_gift":
        raise GameError("bad_request", "Only give_gift takes a gift.", fields=["gift"])
    done = actions.do_activity(
        player_id=player_id, activity=action, target=person_id, options={"gift": gift} if gift else None
    )
    effects = dict(_activity_event(done.events, action)["data"]["effects"])
    return done, {
        "action": action,
        "text": effects.pop("text", ""),
        "stage": effects.pop("stage", None),
        "effects": effects,
        "person": _person(done, person_id),
    }


def plan_date(
    *, player_id: int, person_id: str, venue: str, activity: str, gift: str | None
) -> tuple[actions.Played, dict]:
    """A date: its story, its score, the affinity it moved, and the question it raised (if any)."""
    options: dict[str, Any] = {"venue": venue, "activity": activity}
    if gift is not None:
        options["gift"] = gift
    done = actions.do_activity(player_id=player_id, activity="plan_date", target=person_id, options=options)
    effects = dict(_activity_event(done.events, "plan_date")["data"]["effects"])
    moment = effects.pop("moment", None)
    record(
        "date",
        player_id=player_id,
        person_id=person_id,
        venue=venue,
        activity=activity,
        score=effects.get("score"),
    )
    question = next(
        (e["data"] for e in done.events if e["kind"] == "question" and e["data"].get("event_id") == moment), None
    )
    return done, {
        "story": effects.pop("story", ""),
        "score": effects.pop("score", None),
        "compatibility": effects.pop("compatibility", None),
        "affinity_change": effects.pop("affinity", 0),
        "effects": effects,
        "question": question,
        "person": _person(done, person_id),
    }

"""Dating's content files (dating/content/*.yaml) as the engine content they add to the game's:
relationship, family and date-moment events; one activity per relationship action plus `plan_date`;
and the numbers of the two specials (bios, pool, matching, actions, gifts, venues, date activities).

Registered with `game.content_files.contribute` at start-up, so the game's content store holds them
as rows operators can edit like any other (kinds `events`, `activities`, `specials`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.content_files import contribute, read_file
from game.engine.errors import ContentError

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
EVENT_FILES = ("relationship_events", "family_events", "date_moments")
ACTION_STAGES = ["child", "teen", "young_adult", "adult", "elder"]
PLAN_DATE = {
    "id": "plan_date",
    "name": "Plan a date",
    "description": "A date with someone: a venue, an activity, maybe a gift.",
    "energy_cost": 15,
    "hours": 4,
    "stages": ["teen", "young_adult", "adult", "elder"],
    "min_age": 16,
    "special": "plan_date",
}


def _read(name: str, root: Path) -> Any:
    path = root / f"{name}.yaml"
    data = read_file(path, f"dating/content/{path.name}")
    if not isinstance(data, dict) or name not in data:
        raise ContentError(f"dating/content/{path.name}: expected a mapping with the key {name!r}")
    return data


def read(root: Path = CONTENT_DIR) -> dict[str, Any]:
    """The engine content dating adds (plain data, validated with the game's when content is built)."""
    events: list[Any] = []
    by_file: dict[str, list[Any]] = {}
    for name in EVENT_FILES:
        by_file[name] = list(_read(name, root)[name] or [])
        events += by_file[name]
    actions_file = _read("relationship_actions", root)
    activities: list[dict[str, Any]] = [PLAN_DATE]
    numbers: dict[str, Any] = {}
    for action_id, spec in (actions_file["relationship_actions"] or {}).items():
        spec = dict(spec)
        activity = {
            "id": action_id,
            "name": spec.pop("name", action_id),
            "energy_cost": spec.pop("energy_cost", 0),
            "hours": spec.pop("hours", 0),
            "min_age": spec.pop("min_age", 0),
            "stages": spec.pop("stages", ACTION_STAGES),
            "special": "relationship",
        }
        activities.append(activity)
        numbers[action_id] = spec
    matching = _read("matching", root)["matching"]
    moments = [e["id"] for e in by_file["date_moments"] if isinstance(e, dict)]
    return {
        "events": events,
        "activities": activities,
        "specials": {
            "relationship": {
                **matching,
                "bios": _read("npc_bios", root)["npc_bios"],
                "actions": numbers,
                "gifts": actions_file.get("gifts") or {},
            },
            "plan_date": {
                "venues": _read("date_venues", root)["date_venues"],
                "activities": _read("date_activities", root)["date_activities"],
                "moments": moments,
            },
        },
    }


contribute("dating", read)

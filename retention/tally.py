"""What a life did, counted: the vocabulary achievements, quests and statistics are written in.

Pure (no Django): the game's outcomes (engine events as dicts) in, named counts out, so the same
counting runs on a saved advance (`retention.services.progress`) and on the balance simulator's
lives (the test that shows every achievement reachable). docs/retention.md lists the keys.

Counts (summed over the outcomes of one save):
- `milestone:<name>` (hired, promotion, raise, became_ceo, marriage, child_born, retired, fired,
  death, graduation, level_up), `graduation:<school>`, `stage:<stage>` (a stage reached);
- `activity`, `activity:<id>`, `hours:<id>`, `energy_spent`, `bought`, `bought:<item>`,
  `bought_category:<category>`, `asset_bought`;
- `conversation`, `conversation:<bucket>`, `affinity_gained` (points of affinity won);
- `met`, `met:<relation>`, `became:<relation>`, `friend_made`, `divorce`;
- `answered` (questions the player answered), `earned` / `spent` (pay, bills, purchases, and the money
  answers and activities bring or cost), `message:<topic>`, `exam_passed`,
  `year_lived` (a birthday).
Gauges (read from the life as it is now, not summed): `age`, `money`, `max_affinity`,
`max_salary`, `job_level`, `assets_value`, `items_owned`.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

YEAR = 360 * 24 * 3600  # game seconds in a game year (game/engine/timeline.py)

# The 16 lifetime statistics (docs/retention.md): name -> how a life's counts feed it. "sum:<key>" adds
# the count of a save; "max:<gauge>" keeps the highest value seen.
STATISTICS: dict[str, str] = {
    "money_earned": "sum:earned",
    "money_spent": "sum:spent",
    "relationships_formed": "sum:met",
    "activities_done": "sum:activity",
    "conversations_held": "sum:conversation",
    "years_lived": "sum:year_lived",
    "deaths": "sum:milestone:death",
    "highest_job_level": "max:job_level",
    "highest_affinity": "max:max_affinity",
    "marriages": "sum:milestone:marriage",
    "children": "sum:milestone:child_born",
    "friends": "sum:friend_made",
    "questions_answered": "sum:answered",
    "graduations": "sum:milestone:graduation",
    "promotions": "sum:milestone:promotion",
    "assets_bought": "sum:asset_bought",
}

GAUGES = ("age", "money", "max_affinity", "max_salary", "job_level", "assets_value", "items_owned")


@dataclass(frozen=True)
class Moment:
    """One outcome as the rules read it: its keys, and the character's age when it happened."""

    keys: frozenset[str]
    age: int


def keys_and_amounts(event: dict[str, Any]) -> Counter[str]:
    """The counts one outcome adds."""
    kind = event.get("kind", "")
    data = event.get("data") or {}
    out: Counter[str] = Counter()
    if kind == "milestone":
        name = str(data.get("milestone", ""))
        out[f"milestone:{name}"] += 1
        if name == "graduation":
            out[f"graduation:{data.get('level')}"] += 1
        elif name == "level_up":
            out[f"stage:{data.get('stage')}"] += 1
    elif kind == "activity":
        activity = str(data.get("activity", ""))
        out["activity"] += 1
        out[f"activity:{activity}"] += 1
        out[f"hours:{activity}"] += int(data.get("hours") or 0)
        out["energy_spent"] += int(data.get("energy_cost") or 0)
        effects = data.get("effects") or {}
        item = effects.get("item")
        if item:
            out["bought"] += 1
            out[f"bought:{item}"] += 1
            out[f"bought_category:{effects.get('category')}"] += 1
            out["spent"] += int(effects.get("price") or 0)
            if effects.get("asset"):
                out["asset_bought"] += 1
        gained = _affinity_gain(effects.get("affinity"))
        if gained:
            out["affinity_gained"] += gained
        _money(out, effects)
    elif kind == "conversation":
        out["conversation"] += 1
        out[f"conversation:{data.get('bucket')}"] += 1
        change = float(data.get("affinity_change") or 0)
        if change > 0:
            out["affinity_gained"] += round(change)
    elif kind == "person_changed":
        person = data.get("person") or {}
        relation = person.get("relation")
        reason = data.get("reason")
        if reason == "met":
            out["met"] += 1
            out[f"met:{relation}"] += 1
            if relation == "friend":
                out["friend_made"] += 1
        elif reason == "relation":
            out[f"became:{relation}"] += 1
            if relation == "friend":
                out["friend_made"] += 1
            if relation == "ex" and data.get("was") == "spouse":
                out["divorce"] += 1
        delta = data.get("change")
        if isinstance(delta, int | float) and delta > 0:
            out["affinity_gained"] += round(delta)
    elif kind == "question_resolved":
        if data.get("by") == "player":
            out["answered"] += 1
        _money(out, data.get("effects") or {})
    elif kind == "payday":
        out["earned"] += max(0, int(data.get("amount") or 0))
    elif kind == "bill":
        out["spent"] += abs(int(data.get("amount") or 0))
    elif kind == "message":
        out[f"message:{data.get('topic')}"] += 1
    elif kind == "exam" and data.get("passed"):
        out["exam_passed"] += 1
    elif kind == "aged":
        out["year_lived"] += 1
    return out


def _money(out: Counter[str], effects: dict[str, Any]) -> None:
    """Money an answer or an activity brought (a found wallet, overtime) or cost (a party)."""
    amount = effects.get("money")
    if isinstance(amount, int | float) and amount:
        out["earned" if amount > 0 else "spent"] += abs(int(amount))


def _affinity_gain(changes: Any) -> int:
    if isinstance(changes, dict):
        return round(sum(v for v in changes.values() if isinstance(v, int | float) and v > 0))
    if isinstance(changes, int | float) and changes > 0:
        return round(changes)
    return 0


def count(events: Iterable[dict[str, Any]], born_at: int) -> tuple[Counter[str], list[Moment]]:
    """The counts a save's outcomes add, and each outcome as a moment (its keys, the age then)."""
    total: Counter[str] = Counter()
    moments: list[Moment] = []
    for event in events:
        found = keys_and_amounts(event)
        if not found:
            continue
        total.update(found)
        age = max(0, (int(event.get("at", 0)) - born_at) // YEAR)
        moments.append(Moment(frozenset(found), age))
    return total, moments


def gauges(state: dict[str, Any]) -> dict[str, int]:
    """What the life has now (never summed)."""
    people = state.get("people") or []
    job = state.get("job") or {}
    return {
        "age": int(state.get("age") or 0),
        "money": int(state.get("money") or 0),
        "max_affinity": round(max((float(p.get("affinity") or 0) for p in people if p.get("alive", True)), default=0)),
        "max_salary": int(job.get("salary") or 0),
        "job_level": int(job.get("level") or 0),
        "assets_value": sum(int(a.get("value") or a.get("price") or 0) for a in state.get("assets") or []),
        "items_owned": len(state.get("inventory") or {}),
    }


def advance(
    life: dict[str, int], lifetime: dict[str, int], events: Iterable[dict[str, Any]], state: dict[str, Any]
) -> tuple[dict[str, int], dict[str, int], list[Moment], Counter[str]]:
    """A life's counts and the player's lifetime statistics after one save (new dicts), the save's
    moments and its own counts. Counts add up; gauges are the life as it is now; "max" statistics keep
    their highest."""
    counts, moments = count(events, int(state.get("born_at") or 0))
    now = gauges(state)
    new_life = dict(life)
    for key, value in counts.items():
        new_life[key] = new_life.get(key, 0) + value
    new_life.update(now)
    new_lifetime = dict(lifetime)
    for name, rule in STATISTICS.items():
        op, key = rule.split(":", 1)
        if op == "sum":
            new_lifetime[name] = new_lifetime.get(name, 0) + counts.get(key, 0)
        else:
            new_lifetime[name] = max(new_lifetime.get(name, 0), now.get(key, 0))
    return new_life, new_lifetime, moments, counts

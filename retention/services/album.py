"""The photo album: a life's big moments (graduations, marriages, births, promotions, stages, retirement,
death) kept across lives, each with its real time, the character's age and a caption for a person."""

from typing import Any

from game import wire
from game.models import Character
from game.narrate import SCHOOL_LEVELS, STAGE_NAMES
from retention.models import Photo
from retention.tally import YEAR

# milestone -> the album's kind of photo
KINDS = {
    "graduation": "graduation",
    "marriage": "marriage",
    "engagement": "engagement",
    "child_born": "birth",
    "promotion": "promotion",
    "became_ceo": "promotion",
    "level_up": "milestone",
    "retired": "retirement",
    "death": "death",
}


def _first(name: Any) -> str:
    return str(name or "Someone").split()[0]


def caption(character_name: str, data: dict[str, Any], age: int) -> str:
    """A milestone as the album says it, in the third person with names."""
    who = _first(character_name)
    name = data.get("milestone")
    person = _first((data.get("person") or {}).get("name"))
    if name == "graduation":
        school = data.get("school")
        level = SCHOOL_LEVELS.get(str(data.get("level")), "school")
        return f"{who} graduates from {level}" + (f" at {school}" if school else "") + "."
    if name == "marriage":
        return f"{who} marries {person}."
    if name == "engagement":
        return f"{who} and {person} get engaged."
    if name == "child_born":
        return f"{person} is born: {who}'s child."
    if name == "promotion":
        return f"{who} is promoted to {data.get('title')}."
    if name == "became_ceo":
        return f"{who} makes it to the top: {data.get('title')}."
    if name == "level_up":
        return f"{who} is {STAGE_NAMES.get(str(data.get('stage')), 'older')} now."
    if name == "retired":
        return f"{who} retires at {age}."
    if name == "death":
        cause = data.get("cause")
        return f"{who} dies at {age}" + (f" ({str(cause).replace('_', ' ')})." if cause else ".")
    return f"{who}: {str(name).replace('_', ' ')}."


def keep_many(saves: list[tuple[int, Character, list[dict[str, Any]]]]) -> int:
    """Photograph the saves' big moments in one insert (each once, however often a save is retried)."""
    photos = [photo for player_id, character, events in saves for photo in _photos(player_id, character, events)]
    if photos:
        Photo.objects.bulk_create(photos, ignore_conflicts=True)
    return len(photos)


def _photos(player_id: int, character: Character, events: list[dict[str, Any]]) -> list[Photo]:
    born_at = int(character.state.get("born_at") or 0)
    photos = []
    for ev in events:
        data = ev.get("data") or {}
        kind = KINDS.get(str(data.get("milestone"))) if ev.get("kind") == "milestone" else None
        if kind is None:
            continue
        at = int(ev.get("at", 0))
        age = max(0, (at - born_at) // YEAR)
        photos.append(
            Photo(
                player_id=player_id,
                character_id=character.pk,
                character_name=character.name,
                kind=kind,
                caption=caption(character.name, data, age)[:300],
                age=age,
                game_time=at,
                taken_at=wire.real_time_of(character, at),
                dedupe_key=f"{character.pk}:{data.get('milestone')}:{at}",
            )
        )
    return photos


def page(*, player_id: int, limit: int = 20, before: int | None = None) -> dict[str, Any]:
    """`get_photo_album`: the newest photos first; `before` (a photo id) pages back."""
    rows = Photo.objects.filter(player_id=player_id)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    found = list(rows.order_by("-id")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return {
        "photos": [
            {
                "photo_id": p.pk,
                "kind": p.kind,
                "caption": p.caption,
                "age": p.age,
                "character_id": p.character_id,
                "character_name": p.character_name,
                "taken_at": p.taken_at.isoformat(),
                "game_time": p.game_time,
            }
            for p in found
        ],
        "next_before": found[-1].pk if more and found else None,
    }

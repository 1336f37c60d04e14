"""Game content: YAML files under game/content/ -> validated -> ContentEntry rows -> the engine's Content.

The database copy is what the game plays with, so operators' admin edits take effect; every
process rebuilds its Content when the version stamp in the cache moves (core/content_store.py).
"""

from pathlib import Path
from typing import Any

from django.conf import settings

from core.content_store import ContentStore, Row
from game.content_files import contributions, merge, read_content_files
from game.engine.content import Content
from game.models import ContentEntry

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
SINGLE = ("config", "names")  # one document each
LISTS = ("events", "jobs", "activities", "items", "replies")
SPECIALS = "specials"  # an app's special's numbers (dating's venues ...), one row per special, into config


def _key_of(kind: str, entry: dict[str, Any], index: int) -> str:
    return str(entry.get("id") or entry.get("key") or f"{index:04d}") if kind != "replies" else f"{index:04d}"


read_files = read_content_files  # one place knows the files' shape (game/content_files.py)


def data_to_rows(data: dict[str, Any], extra: dict[str, Any] | None = None) -> list[Row]:
    """The game's files as rows, and the apps' contributions (`extra`): their list entries as rows of the
    same kinds (an operator edits a dating event like any other), their specials' numbers as `specials` rows."""
    rows: list[Row] = [(kind, "main", data[kind]) for kind in SINGLE]
    for kind in LISTS:
        entries = list(data[kind]) + list((extra or {}).get(kind, ()))
        rows += [(kind, _key_of(kind, e, i), e) for i, e in enumerate(entries)]
    rows += [(SPECIALS, sid, params) for sid, params in sorted(((extra or {}).get(SPECIALS) or {}).items())]
    return rows


def rows_to_data(rows: list[Row]) -> dict[str, Any]:
    data: dict[str, Any] = {kind: None for kind in SINGLE}
    data.update({kind: [] for kind in LISTS})
    specials: dict[str, Any] = {}
    for kind, key, value in sorted(rows, key=lambda r: (r[0], r[1])):
        if kind in SINGLE:
            data[kind] = value
        elif kind in LISTS:
            data[kind].append(value)
        elif kind == SPECIALS:
            specials[key] = value
    return merge(data, {SPECIALS: specials}) if specials and data["config"] is not None else data


def validate(data: dict[str, Any]) -> Content:
    """Build the engine's Content; raises ContentError naming the file and entry on bad data.
    The game's pace (a setting) goes in with the config: question windows are in real hours."""
    config = {**(data.get("config") or {}), "pace": settings.GAME_SECONDS_PER_REAL_SECOND}
    return Content.from_dicts(**{**data, "config": config})


STORE: ContentStore[Content] = ContentStore(
    name="game",
    model=ContentEntry,
    build=lambda rows: validate(rows_to_data(rows)),
    read_files=lambda: data_to_rows(read_files(CONTENT_DIR), contributions()),
)


def load_content(root: Path = CONTENT_DIR) -> dict[str, int]:
    """Validate the files and make the database match them (the files are the versioned source)."""
    return STORE.load(data_to_rows(read_files(root), contributions()))


def current() -> Content:
    """The content the game plays with (database copy; the files when the database has none yet)."""
    return STORE.current()


def bump_version() -> None:
    STORE.bump()

"""Game content: YAML files under game/content/ -> validated -> ContentEntry rows -> the engine's Content.

The database copy is what the game plays with, so operators' admin edits take effect; every
process rebuilds its Content when the version stamp in the cache moves.
"""

from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction

from game.content_files import read_content_files
from game.engine.content import Content
from game.models import ContentEntry

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
SINGLE = ("config", "names")  # one document each
LISTS = ("events", "jobs", "activities", "items", "replies")
_VERSION_KEY = "game:content-version"
_cached: tuple[Any, Content] | None = None


def _key_of(kind: str, entry: dict[str, Any], index: int) -> str:
    return str(entry.get("id") or entry.get("key") or f"{index:04d}") if kind != "replies" else f"{index:04d}"


read_files = read_content_files  # one place knows the files' shape (game/content_files.py)


def validate(data: dict[str, Any]) -> Content:
    """Build the engine's Content; raises ContentError naming the file and entry on bad data."""
    return Content.from_dicts(**data)


def load_content(root: Path = CONTENT_DIR) -> dict[str, int]:
    """Validate the files and make the database match them (the files are the versioned source)."""
    data = read_files(root)
    validate(data)
    counts: dict[str, int] = {}
    with transaction.atomic():
        for kind in SINGLE + LISTS:
            entries = (
                [(kind, "main", data[kind])]
                if kind in SINGLE
                else [(kind, _key_of(kind, e, i), e) for i, e in enumerate(data[kind])]
            )
            keys = [k for _, k, _ in entries]
            ContentEntry.objects.filter(kind=kind).exclude(key__in=keys).delete()
            existing = {e.key: e for e in ContentEntry.objects.filter(kind=kind)}
            for _, key, value in entries:
                row = existing.get(key)
                if row is None:
                    ContentEntry.objects.create(kind=kind, key=key, data=value)
                elif row.data != value:
                    row.data = value
                    row.save(update_fields=["data", "updated_at"])
            counts[kind] = len(entries)
        transaction.on_commit(bump_version)
    return counts


def rows_to_data(rows: list[tuple[str, str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {kind: None for kind in SINGLE}
    data.update({kind: [] for kind in LISTS})
    for kind, _key, value in sorted(rows, key=lambda r: (r[0], r[1])):
        if kind in SINGLE:
            data[kind] = value
        elif kind in LISTS:
            data[kind].append(value)
    return data


def bump_version() -> None:
    cache.set(
        _VERSION_KEY,
        str(ContentEntry.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()),
        timeout=None,
    )


def current() -> Content:
    """The content the game plays with (database copy; the files when the database has none yet)."""
    global _cached
    version = cache.get(_VERSION_KEY)
    if _cached is not None and _cached[0] == version and version is not None:
        return _cached[1]
    rows = list(ContentEntry.objects.values_list("kind", "key", "data"))
    content = validate(rows_to_data(rows)) if rows else validate(read_files())
    if version is None:
        bump_version()
        version = cache.get(_VERSION_KEY)
    _cached = (version, content)
    return content

"""The catalogue of analytics events (analytics/content/events.yaml): names, when, properties."""

from functools import cache
from pathlib import Path
from typing import Any

from core.yamlfile import read

PATH = Path(__file__).resolve().parent / "content" / "events.yaml"


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    return read(PATH)


def check(name: str, properties: dict[str, Any]) -> None:
    """A name or property outside the catalogue is our bug: refuse it where it is written."""
    entry = catalogue().get(name)
    if entry is None:
        raise ValueError(f"analytics event {name!r} is not in the catalogue ({PATH.name})")
    unknown = set(properties) - set(entry.get("properties") or {})
    if unknown:
        raise ValueError(f"analytics event {name!r}: properties {sorted(unknown)} are not in the catalogue")

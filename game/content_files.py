"""The game's content files (game/content/*.yaml) read into plain data and built into the engine's
Content. The engine takes parsed content and never touches a file; reading is done here, outside
it and without Django, so the engine's tests and benchmarks read the same files the game loads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core import yamlfile
from game.engine.content import Content
from game.engine.errors import ContentError

DEFAULT_PATH = Path(__file__).resolve().parent / "content"
LIST_KINDS = ("events", "jobs", "activities", "items", "replies")

# Content an app above the game adds to the engine's (dating's relationship events, its activities and
# their specials' numbers): name -> a function returning {"events": [...], "activities": [...], ...,
# "specials": {special id: params}}. Registered by the app at start-up (its AppConfig.ready).
_CONTRIBUTIONS: dict[str, Callable[[], dict[str, Any]]] = {}


def contribute(name: str, read: Callable[[], dict[str, Any]]) -> None:
    """Add an app's content to every engine content read from the files from now on."""
    _CONTRIBUTIONS[name] = read


def contributions() -> dict[str, Any]:
    """Every registered app's content, merged: lists per kind, and `specials` (id -> params)."""
    merged: dict[str, Any] = {kind: [] for kind in LIST_KINDS}
    merged["specials"] = {}
    for name in sorted(_CONTRIBUTIONS):
        extra = _CONTRIBUTIONS[name]()
        for kind, value in extra.items():
            if kind == "specials":
                for sid, params in value.items():
                    if sid in merged["specials"]:
                        raise ContentError(f"{name}: specials.{sid}: given twice")
                    merged["specials"][sid] = params
            elif kind in LIST_KINDS:
                merged[kind] += list(value)
            else:
                raise ContentError(f"{name}: cannot add content of kind {kind!r}")
    return merged


def merge(raw: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`raw` (the game's files) with `extra` (contributions) added: lists appended, specials into config."""
    out = {**raw, **{kind: list(raw[kind]) + list(extra.get(kind, ())) for kind in LIST_KINDS}}
    specials = dict((raw["config"] or {}).get("specials") or {})
    for sid, params in (extra.get("specials") or {}).items():
        if sid in specials:
            raise ContentError(f"config.yaml: specials.{sid}: also given by an app's content")
        specials[sid] = params
    out["config"] = {**(raw["config"] or {}), "specials": specials}
    return out


def read_file(file: Path, label: str | None = None) -> Any:
    """One content file's data; an unreadable file or bad YAML is a ContentError naming it (`label`)."""
    name = label or file.name
    try:
        return yamlfile.read(file)
    except OSError as exc:
        raise ContentError(f"{name}: cannot read: {exc}") from exc
    except yamlfile.YAMLError as exc:
        raise ContentError(f"{name}: invalid YAML: {exc}") from exc


def read_content_files(path: str | Path = DEFAULT_PATH) -> dict[str, Any]:
    """The YAML files in `path` as plain data, shape-checked (the input of `Content.from_dicts`)."""
    root = Path(path)
    raw: dict[str, Any] = {}
    for kind in ("config", "events", "jobs", "activities", "items", "replies", "names"):
        data = read_file(root / f"{kind}.yaml")
        # list files may wrap their list under a key of the same name, so a top-level comment block reads well
        if isinstance(data, dict) and kind in data and kind not in ("config", "names"):
            data = data[kind]
        raw[kind] = data
    for kind in LIST_KINDS:
        if not isinstance(raw[kind], list):
            raise ContentError(f"{kind}.yaml: expected a list of entries")
    for kind in ("config", "names"):
        if not isinstance(raw[kind], dict):
            raise ContentError(f"{kind}.yaml: expected a mapping")
    return raw


def load_content(path: str | Path = DEFAULT_PATH, *, with_apps: bool = True) -> Content:
    """Read and validate the YAML files in `path` (default: game/content/), with the content the apps
    above the game contribute (`with_apps=False`: the game's files alone)."""
    raw = read_content_files(path)
    return Content.from_dicts(**(merge(raw, contributions()) if with_apps else raw))

"""The game's content files (game/content/*.yaml) read into plain data and built into the engine's
Content. The engine takes parsed content and never touches a file; reading is done here, outside
it and without Django, so the engine's tests and benchmarks read the same files the game loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from game.engine.content import Content
from game.engine.errors import ContentError

DEFAULT_PATH = Path(__file__).resolve().parent / "content"


def read_content_files(path: str | Path = DEFAULT_PATH) -> dict[str, Any]:
    """The YAML files in `path` as plain data, shape-checked (the input of `Content.from_dicts`)."""
    root = Path(path)
    raw: dict[str, Any] = {}
    for kind in ("config", "events", "jobs", "activities", "items", "replies", "names"):
        file = root / f"{kind}.yaml"
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ContentError(f"{file.name}: cannot read: {exc}") from exc
        except yaml.YAMLError as exc:
            raise ContentError(f"{file.name}: invalid YAML: {exc}") from exc
        # list files may wrap their list under a key of the same name, so a top-level comment block reads well
        if isinstance(data, dict) and kind in data and kind not in ("config", "names"):
            data = data[kind]
        raw[kind] = data
    for kind in ("events", "jobs", "activities", "items", "replies"):
        if not isinstance(raw[kind], list):
            raise ContentError(f"{kind}.yaml: expected a list of entries")
    for kind in ("config", "names"):
        if not isinstance(raw[kind], dict):
            raise ContentError(f"{kind}.yaml: expected a mapping")
    return raw


def load_content(path: str | Path = DEFAULT_PATH) -> Content:
    """Read and validate the YAML files in `path` (default: game/content/)."""
    return Content.from_dicts(**read_content_files(path))

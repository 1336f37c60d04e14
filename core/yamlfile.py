"""Reading content YAML fast: libyaml's C loader when PyYAML was built with it (7x faster on the game's
events: a content rebuild is on a server's first request), the pure-Python safe loader otherwise.
Django-free, so the engine's content files are read the same way by the engine's own tools."""

from pathlib import Path
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def load(text: str) -> Any:
    """`yaml.safe_load`, with the C loader when there is one (both only build plain data)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python


def read(path: Path) -> Any:
    return load(path.read_text(encoding="utf-8"))

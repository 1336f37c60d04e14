"""The experiments as the file declares them (analytics/content/experiments.yaml): description, variants,
metric and each variant's `effects`."""

from functools import cache
from pathlib import Path
from typing import Any

from core.yamlfile import read

PATH = Path(__file__).resolve().parent / "content" / "experiments.yaml"


@cache
def definitions() -> dict[str, dict[str, Any]]:
    return read(PATH)


def effects() -> dict[str, dict[str, dict[str, Any]]]:
    """flag -> variant -> {setting: value}."""
    return {flag: spec.get("effects") or {} for flag, spec in definitions().items()}

"""The engine's built-in special activities, one module each; importing this package registers them.

The registry and the shapes they share are in `game/engine/special_registry.py`.
"""

from . import (
    apply_job,
    date,
    doctor,
    quit_job,
    retire,
    sell_asset,
    shop,
    socialize,
    study,
    visit_family,
    work_overtime,
)

__all__ = [
    "apply_job",
    "date",
    "doctor",
    "quit_job",
    "retire",
    "sell_asset",
    "shop",
    "socialize",
    "study",
    "visit_family",
    "work_overtime",
]

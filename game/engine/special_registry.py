"""The registry of special activities: an activity whose `special` names an entry here gets that entry's
extra handling on top of its plain effects.

Each special lives in its own module (the engine's built-ins in `game/engine/specials/`; an app above
game, such as dating, registers its own the same way) and declares the model of its numbers, which
content supplies under `config.specials.<id>`. The registry imports no other engine module, so content
validation can consult it without a cycle.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ContentError

if TYPE_CHECKING:  # types only: the registry must not import the engine's modules at run time
    from .content import Activity
    from .ctx import Ctx
    from .state import Person


class Params(BaseModel):
    """Base of a special's numbers: unknown keys are refused and the values cannot change in play."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    """A special without numbers of its own."""


@dataclass
class Plan:
    """What a special worked out before anything changes: who it is with, what it costs, what it picked."""

    person: Person | None = None
    price: int = 0
    pick: str | None = None  # the career track or shop item chosen


PlanFn = Callable[["Ctx", int, "Activity", "str | None", Any], Plan]
ApplyFn = Callable[["Ctx", int, "Activity", Plan, Any, random.Random], dict[str, Any]]


def no_target(ctx: Ctx, at: int, act: Activity, target: str | None, params: Any) -> Plan:
    """The plan of a special that needs nothing checked beforehand (its target, if any, is ignored)."""
    return Plan()


@dataclass(frozen=True)
class Special:
    """`plan` checks and decides without changing state (it may refuse with an EngineError); `apply`
    changes the life and returns what it changed, for the activity event's `effects`."""

    id: str
    apply: ApplyFn
    plan: PlanFn = no_target
    params: type[Params] = field(default=NoParams)


_REGISTRY: dict[str, Special] = {}


def register(special: Special) -> Special:
    """Add a special; registering an id twice is a programming error (two modules claiming one name)."""
    if special.id in _REGISTRY and _REGISTRY[special.id] is not special:
        raise ValueError(f"special {special.id!r} is registered twice")
    _REGISTRY[special.id] = special
    return special


def get(special_id: str) -> Special:
    return _REGISTRY[special_id]


def registered() -> Mapping[str, Special]:
    return dict(_REGISTRY)


def validate_params(raw: Mapping[str, Any], used: set[str], source: str) -> dict[str, Params]:
    """Each special's numbers from content: every listed id must be registered, every used one present
    (or without required numbers). Errors name the file and the key, like the rest of content."""
    out: dict[str, Params] = {}
    for sid in sorted(set(raw) | used):
        special = _REGISTRY.get(sid)
        if special is None:
            raise ContentError(f"{source}: specials.{sid}: no such special (known: {sorted(_REGISTRY)})")
        try:
            out[sid] = special.params.model_validate(raw.get(sid) or {})
        except ValidationError as exc:
            detail = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}" for e in exc.errors())
            raise ContentError(f"{source}: specials.{sid}: {detail}") from exc
    return out

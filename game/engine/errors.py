"""Typed refusals of the engine; `code` matches the wire protocol's error codes so callers can map them 1:1."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base of every refusal. The input state is never mutated when one is raised."""

    code = "conflict"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class InvalidTime(EngineError):
    """A time before the state's clock, or a `start` that is not the state's clock."""

    code = "conflict"


class NotAllowed(EngineError):
    """The action exists but this character may not do it now (life stage, dead, no job, ...)."""

    code = "forbidden"


class Busy(NotAllowed):
    """The previous activity still takes game time."""

    code = "conflict"


class CharacterDead(NotAllowed):
    """The life is over; nothing can be done any more."""


class InsufficientEnergy(EngineError):
    code = "insufficient_energy"


class InsufficientMoney(EngineError):
    code = "conflict"


class UnknownActivity(EngineError):
    code = "not_found"


class EventNotFound(EngineError):
    """No pending question with that id (never existed, answered, or expired)."""

    code = "not_found"


class BadInput(EngineError):
    """A parameter the engine cannot use (e.g. a sentiment outside -1..1)."""

    code = "bad_request"


class InvalidChoice(BadInput):
    """The pending question has no such choice."""


class UnknownTarget(EngineError):
    """An activity's target (track, item, person) does not exist or does not fit the activity."""

    code = "not_found"


class PersonNotFound(EngineError):
    code = "not_found"


class ContentError(ValueError):
    """Content data failed validation; the message names the file and the entry."""

"""What every app declares about its own models for the GDPR: what an export shows, what an erasure does.

Each app lists every model it owns in its `privacy.py` with `declare(...)`; compliance (the app above all
others) runs the declarations — the export, the hard deletion, the data summary — and a test fails the
build when an installed model has no declaration, so a table added later cannot be forgotten.

An erasure does one of three things to the rows that belong to the player:

- `DELETE` — the rows go;
- `ANONYMISE` — the rows stay (an operators' audit trail, aggregates) and `unlink` cuts them from the person;
- `RETAIN` — the rows stay for a legal reason (accounting), cut from the person by `unlink` all the same.

A model that holds nothing of any player (game content, job runs) is `RETAIN` with no `owner`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models

from core.discovery import import_from_every_app
from core.models import JobRun


class Erasure(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    RETAIN = "retain"


class _ErasedKey:
    """Stands in an `unlink` mapping for the erasure's random key (groups a former account's kept rows for the
    accounts without naming it): replaced by the key of the erasure being run."""

    def __repr__(self) -> str:
        return "ERASED_KEY"


ERASED_KEY: Any = _ErasedKey()

# the rows of a model that belong to the player, when no lookup path reaches them (the auth user, the admin's
# log, django-axes' sign-in records)
Finder = Callable[["Subject"], models.QuerySet]


@dataclass(frozen=True)
class Subject:
    """Who is exported or erased: the identifiers a finder may need (read once, before anything is deleted)."""

    player_id: int
    user_id: int | None
    email: str | None
    username: str | None
    device_id: str | None
    names: tuple[str, ...] = ()  # the names of the player's lives (the admin log's descriptions say them)


@dataclass(frozen=True)
class DataPolicy:
    model: type[models.Model]
    erasure: Erasure
    export: bool
    reason: str  # why this decision (docs/privacy.md prints it)
    owner: str | None = None  # lookup from the model to the player's id ("player_id", "character__player_id")
    find: Finder | None = None  # or a function that finds the player's rows
    unlink: dict[str, Any] = field(default_factory=dict)  # ANONYMISE/RETAIN: the update that cuts the link
    section: str = ""  # the export's key for these rows
    hidden_fields: tuple[str, ...] = ()  # never exported (a token's hash)
    stage: int = 1  # FIRST, NORMAL or FINAL: when the erasure reaches these rows
    raw_delete: bool = False  # delete without Django's signals (a library's receivers that do not apply here)

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def personal(self) -> bool:
        return self.owner is not None or self.find is not None

    def rows(self, subject: Subject) -> models.QuerySet:
        """The player's rows of this model (none for a model that holds no player's data)."""
        manager = self.model._base_manager
        if self.find is not None:
            return self.find(subject)
        if self.owner is None:
            return manager.none()
        return manager.filter(**{self.owner: subject.player_id})


# Stages of an erasure. FIRST: rows that point at the player's other rows by id only (the admin's log), while
# those still exist. NORMAL: everything else, model by model, children before parents, in small batches.
# FINAL: the account itself, in the one transaction that completes the erasure.
FIRST, NORMAL, FINAL = 0, 1, 2

REGISTRY: dict[type[models.Model], DataPolicy] = {}


def declare(
    model: type[models.Model],
    *,
    erasure: Erasure,
    export: bool,
    reason: str,
    owner: str | None = None,
    find: Finder | None = None,
    unlink: dict[str, Any] | None = None,
    section: str = "",
    hidden_fields: tuple[str, ...] = (),
    stage: int = 1,
    raw_delete: bool = False,
) -> None:
    """Declare what happens to `model`'s rows of a player on export and on erasure.

    `owner` is the lookup from the model to the player's id (`"pk"` for the account itself); `find`, a
    function, where no lookup reaches the rows. Rows kept (`ANONYMISE`, `RETAIN`) of a personal model need
    `unlink`.
    """
    if model in REGISTRY:
        raise RuntimeError(f"{model._meta.label} declared twice")
    unlink = unlink or {}
    personal = owner is not None or find is not None
    if personal and erasure != Erasure.DELETE and not unlink:
        raise RuntimeError(f"{model._meta.label}: rows kept after an erasure need `unlink`")
    if export and not personal:
        raise RuntimeError(f"{model._meta.label}: an exported model needs `owner` or `find`")
    REGISTRY[model] = DataPolicy(
        model=model,
        erasure=erasure,
        export=export,
        reason=reason,
        owner=owner,
        find=find,
        unlink=unlink,
        section=section or model._meta.db_table,
        hidden_fields=hidden_fields,
        stage=stage,
        raw_delete=raw_delete,
    )


def policies() -> dict[type[models.Model], DataPolicy]:
    """Every declaration (importing each installed app's `privacy` module once)."""
    import_from_every_app("privacy")
    return REGISTRY


declare(
    JobRun,
    erasure=Erasure.RETAIN,
    export=False,
    reason="Holds no personal data: which periodic job ran for which period, on which worker.",
)

"""The apps' declarations (core/privacy.py) put to work: whose rows, in which order, as what JSON."""

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from accounts.models import Player
from core.privacy import DataPolicy, Subject, policies
from game.models import Character

User = get_user_model()


def subject_of(player_id: int) -> Subject:
    """The identifiers of the player the finders need, read while the account exists."""
    player = Player.objects.select_related("user").get(pk=player_id)
    return Subject(
        player_id=player.pk,
        user_id=player.user_id,
        email=player.email or player.user.email or None,
        username=player.user.username,
        device_id=player.device_id,
        names=tuple(Character.objects.filter(player_id=player_id).values_list("name", flat=True)),
    )


def undeclared() -> list[str]:
    """Installed models no app has declared (a test keeps this empty)."""
    declared = policies()
    return sorted(model._meta.label for model in apps.get_models() if model not in declared)


def ordered(stage: int | None = None) -> list[DataPolicy]:
    """The declarations of a stage (all when None), each model before the models it points to: a row goes
    before the row it references (no PROTECT refuses, no CASCADE does the work in one long transaction)."""
    chosen = [p for p in policies().values() if stage is None or p.stage == stage]
    chosen.sort(key=lambda p: (p.stage, p.label))
    models_in = {p.model for p in chosen}
    after: dict[type[models.Model], set[type[models.Model]]] = {p.model: set() for p in chosen}
    for policy in chosen:
        for field in policy.model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in models_in and target is not policy.model and isinstance(target, type):
                after[target].add(policy.model)  # the target waits for the model that points to it
    done: list[DataPolicy] = []
    placed: set[type[models.Model]] = set()
    while len(done) < len(chosen):
        progressed = False
        for policy in chosen:
            if policy.model not in placed and after[policy.model] <= placed | {policy.model}:
                done.append(policy)
                placed.add(policy.model)
                progressed = True
        if not progressed:  # a cycle of references: keep the declared order for the rest
            done += [p for p in chosen if p.model not in placed]
            break
    return sorted(done, key=lambda p: p.stage)  # stable: the order above within each stage


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def exported_fields(policy: DataPolicy) -> list[models.Field]:
    return [
        field
        for field in policy.model._meta.concrete_fields
        if field.name not in policy.hidden_fields and not isinstance(field, models.BinaryField)
    ]


def row_of(policy: DataPolicy, obj: models.Model, fields: list[models.Field]) -> dict[str, Any]:
    return {field.attname: _json_value(field.value_from_object(obj)) for field in fields}


def summary(subject: Subject) -> dict[str, int]:
    """Rows per model the server holds about the player (models with none left out)."""
    counts = {}
    for policy in ordered():
        if policy.personal:
            count = policy.rows(subject).count()
            if count:
                counts[policy.label] = count
    return counts


def _schema_of(field: models.Field) -> dict[str, Any]:
    internal = field.get_internal_type()
    if field.is_relation:
        target = field.target_field  # type: ignore[attr-defined]
        schema = _schema_of(target)
    elif internal in ("AutoField", "BigAutoField", "SmallAutoField") or "IntegerField" in internal:
        schema = {"type": "integer"}
    elif internal in ("FloatField",):
        schema = {"type": "number"}
    elif internal == "BooleanField":
        schema = {"type": "boolean"}
    elif internal == "DateTimeField":
        schema = {"type": "string", "format": "date-time"}
    elif internal == "DateField":
        schema = {"type": "string", "format": "date"}
    elif internal == "UUIDField":
        schema = {"type": "string", "format": "uuid"}
    elif internal == "JSONField":
        schema = {}
    else:  # CharField, TextField, DecimalField, GenericIPAddressField ...
        schema = {"type": "string"}
        if getattr(field, "max_length", None) and internal == "CharField":
            schema["maxLength"] = field.max_length
    if field.null and "type" in schema:
        schema = {**schema, "type": [schema["type"], "null"]}
    return schema


def export_schema() -> dict[str, Any]:
    """The JSON Schema of an export (docs/export.schema.json is this, written by `manage.py privacy_docs`)."""
    sections: dict[str, Any] = {}
    for policy in ordered():
        if not policy.export:
            continue
        fields = exported_fields(policy)
        sections[policy.section] = {
            "description": f"{policy.label}: {policy.reason}",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {field.attname: _schema_of(field) for field in fields},
                "required": [field.attname for field in fields],
                "additionalProperties": False,
            },
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://baolife.example/schemas/export.schema.json",
        "title": "BaoLife personal data export",
        "description": "Every record the server holds about one player (GDPR art. 15 and 20). Generated from the "
        "apps' declarations (core/privacy.py) by `manage.py privacy_docs`.",
        "type": "object",
        "required": ["format", "version", "generated_at", "player_id", "data"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": "baolife-export"},
            "version": {"const": 1},
            "generated_at": {"type": "string", "format": "date-time"},
            "player_id": {"type": "integer"},
            "data": {
                "type": "object",
                "required": sorted(sections),
                "additionalProperties": False,
                "properties": sections,
            },
        },
    }

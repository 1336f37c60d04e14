"""A JSONField read and written with orjson.

The game tick reads and writes every life in play's state (~20 KB of JSON each) every tick: with the
standard library's json, decoding and encoding were a fifth of a tick (docs/performance.md, "Pushes at
scale"). The text stored is the same JSON (without the spaces), so the column and every query stay as they
were; what orjson refuses to write (a lone surrogate) falls back to the standard library, integers beyond 64
bits are refused (orjson would read them back as floats).
"""

import json
from typing import Any

import orjson
from django.db import models
from django.db.models import Expression
from django.db.models.fields.json import KeyTransform

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    """JSON text of `value`: orjson's, or the standard library's where orjson declines (a lone surrogate ...).
    An integer beyond 64 bits is refused: orjson would read it back as a float (none of the game's values comes
    near; a loud failure beats a silently changed number)."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except orjson.JSONEncodeError as exc:
        if "Integer exceeds" in str(exc):
            raise ValueError(f"an integer beyond 64 bits cannot be stored in this JSON column: {exc}") from exc
        return json.dumps(value)


class FastJSONField(models.JSONField):
    """`models.JSONField` with orjson on the way in and out (no custom encoder or decoder allowed)."""

    def deconstruct(self) -> Any:
        """Migrations see a plain JSONField: the column is the same, so swapping the class must not rebuild a
        table of every life (an ALTER on MySQL, a copy on SQLite)."""
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str | bytes) and not isinstance(expression, KeyTransform):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass  # what the standard library makes of it (it returns the text when it cannot)
        return super().from_db_value(value, expression, connection)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if isinstance(value, Expression) or hasattr(value, "as_sql") or connection.vendor not in ("mysql", "sqlite"):
            return super().get_db_prep_value(value, connection, prepared)  # expressions: Django's own handling
        if not prepared:
            value = self.get_prep_value(value)
        return dumps(value)  # the two backends' adapt_json_value is plain json.dumps

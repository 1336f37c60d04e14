"""The orjson JSONField (core/jsonfield.py): the same values back as the standard field, on both databases."""

import json

import pytest
from django.db import connection
from django.db.models import Value

from core.jsonfield import FastJSONField, dumps
from game.models import OfflineEvent

pytestmark = pytest.mark.django_db

VALUES = [
    {"a": 1, "b": [1, 2.5, None, True, "é", {"c": "日本"}], "big": 2**62, "neg": -(2**62)},
    [],
    "text",
    0,
    {"nested": {"deep": [[[]]]}, "emoji": "🙂"},
]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_comes_back_as_it_went_in(make_player, value):
    player, _ = make_player()
    row = OfflineEvent.objects.create(player=player, at="2026-01-01T00:00:00Z", push=value)
    assert OfflineEvent.objects.get(pk=row.pk).push == value
    assert OfflineEvent.objects.filter(pk=row.pk).values_list("push", flat=True).get() == value


def test_lookups_into_the_json_still_work(make_player):
    player, _ = make_player()
    OfflineEvent.objects.create(player=player, at="2026-01-01T00:00:00Z", push={"type": "u", "energy": 5})
    OfflineEvent.objects.create(player=player, at="2026-01-01T00:00:00Z", push={"type": "m", "energy": 7})
    assert OfflineEvent.objects.filter(player=player, push__type="u").count() == 1
    assert list(
        OfflineEvent.objects.filter(player=player, push__energy__gte=6).values_list("push__type", flat=True)
    ) == ["m"]


def test_what_orjson_declines_falls_back_to_the_standard_library():
    assert json.loads(dumps({1: "int key"})) == {"1": "int key"}
    assert json.loads(dumps({"s": "\ud800"})) == {"s": "\ud800"}  # a lone surrogate: the standard library's
    assert dumps({"a": 1}) == '{"a":1}'
    with pytest.raises(ValueError, match="64 bits"):
        dumps({"n": 2**70})  # orjson would read it back as a float: refused, not changed


def test_expressions_are_left_to_django(make_player):
    player, _ = make_player()
    row = OfflineEvent.objects.create(player=player, at="2026-01-01T00:00:00Z", push={"a": 1})
    OfflineEvent.objects.filter(pk=row.pk).update(push=Value({"b": 2}, output_field=FastJSONField()))
    assert OfflineEvent.objects.get(pk=row.pk).push == {"b": 2}


def test_stored_text_is_json_the_database_reads(make_player):
    player, _ = make_player()
    row = OfflineEvent.objects.create(player=player, at="2026-01-01T00:00:00Z", push={"k": "v", "n": [1, 2]})
    with connection.cursor() as cursor:
        cursor.execute("SELECT push FROM game_offlineevent WHERE id = %s", [row.pk])
        raw = cursor.fetchone()[0]
    assert json.loads(raw) == {"k": "v", "n": [1, 2]}


def test_migrations_see_a_plain_json_field():
    _, path, _, _ = FastJSONField().deconstruct()
    assert path == "django.db.models.JSONField"

"""GET /api/protocol.json: the JSON Schema of every WebSocket verb, generated from its pydantic model."""

import pytest
from django.test import Client

from core.verbs import REGISTRY, load_all


@pytest.fixture
def schema() -> dict:
    response = Client().get("/api/protocol.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_every_registered_verb_is_listed(schema: dict) -> None:
    registered = load_all()
    assert registered is REGISTRY and registered  # the apps' handlers are loaded
    assert sorted(schema["verbs"]) == sorted(REGISTRY)
    assert list(schema["verbs"]) == sorted(schema["verbs"])


def test_each_schema_is_generated_from_the_verbs_model(schema: dict) -> None:
    for name, verb in REGISTRY.items():
        assert schema["verbs"][name] == verb.model.model_json_schema(), name


def test_unknown_params_are_refused_in_every_schema(schema: dict) -> None:
    for name, verb_schema in schema["verbs"].items():
        assert verb_schema["type"] == "object", name
        assert verb_schema["additionalProperties"] is False, name


def test_auth_schema_names_the_token(schema: dict) -> None:
    auth = schema["verbs"]["auth"]
    assert auth["required"] == ["token"]
    assert auth["properties"]["token"] == {"maxLength": 256, "minLength": 1, "title": "Token", "type": "string"}


def test_envelope(schema: dict) -> None:
    assert schema["protocol"] == "baolife-ws/1"
    assert schema["envelope"] == {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string"}, "id": {"type": "string", "maxLength": 64}},
    }


def test_schema_is_get_only() -> None:
    assert Client().post("/api/protocol.json").status_code == 405

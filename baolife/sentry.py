"""Sentry from the environment, with PII scrubbed before anything leaves the server."""

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

_SECRET_KEYS = re.compile(r"(pass|token|secret|auth|cookie|email|session|signed|receipt|ip)", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
FILTERED = "[Filtered]"


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 12:
        return value
    if isinstance(value, dict):
        return {k: (FILTERED if isinstance(k, str) and _SECRET_KEYS.search(k) else _scrub(v, depth + 1))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v, depth + 1) for v in value]
    if isinstance(value, str):
        return _IPV4.sub(FILTERED, _EMAIL.sub(FILTERED, value))
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Drop emails, tokens and IP addresses; keep only the player's id as the user."""
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("env", None)
        request.pop("query_string", None)
        request["headers"] = {k: v for k, v in (request.get("headers") or {}).items()
                              if k.lower() in {"user-agent", "content-type", "accept"}}
    return _scrub(event)


def init_sentry(*, dsn: str, environment: str, release: str) -> bool:
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=0.1,
        profiles_sample_rate=0.1,
        send_default_pii=False,
        before_send=before_send,
    )
    return True

"""Sentry from the environment, with PII scrubbed before anything leaves the server.

What an event may carry about a player: the player's id (as the Sentry user), nothing else.
`before_send` enforces it on every error and transaction event, on top of the SDK's own
scrubber (`send_default_pii=False`):

- the Sentry user is reduced to its `id`;
- the request keeps method, URL and three harmless headers; cookies, body, query string,
  environment (REMOTE_ADDR) and every other header are dropped;
- any value under a sensitive key (password, token, email, cookie, session, receipt, ip, ...)
  is replaced, at any depth (frame variables included);
- inside every string: emails, IPv4/IPv6 addresses, `Bearer ...` credentials, secrets written
  as JSON or Python dict items (`"token": "..."`) and token-like strings (32+ URL-safe
  characters with mixed case, the shape of our auth tokens and store receipts) are replaced.
"""

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

FILTERED = "[Filtered]"

_SECRET_KEY = re.compile(
    r"pass|token|secret|auth|cookie|csrf|session|e_?mail|signed|signature|receipt|api_?key|credential"
    r"|(?:^|[_-])ip(?:$|[_-])|ip_?addr|remote_?addr|forwarded|real_?ip",
    re.I,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}"
    r"|(?:[0-9a-f]{1,4}:){1,7}:)(?![\w:])",
    re.I,
)
_BEARER = re.compile(r"(\bbearer\s+)[^\s'\",;]+", re.I)
_SECRET_WORDS = r"pass|pwd|token|secret|e_?mail|cookie|session|signed|signature|receipt|auth"  # noqa: S105
# `"token": "..."` (JSON, dict reprs) and `token='...'` / `password=...` (object reprs, query strings).
_QUOTED_SECRET = re.compile(
    rf"""(?P<key>(?P<q>["'])[^"'\n]*(?:{_SECRET_WORDS})[^"'\n]*(?P=q)\s*:\s*)(?P<vq>["'])(?:(?!(?P=vq)).)*(?P=vq)""",
    re.I,
)
_ASSIGNED_SECRET = re.compile(
    rf"""(?P<key>\b\w*(?:{_SECRET_WORDS})\w*\s*=\s*)(?:(?P<vq>["'])(?:(?!(?P=vq)).)*(?P=vq)|[^\s&,;)'"]+)""",
    re.I,
)
_TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{32,}")
# Event fields that describe the server, never a player ("baolife@1.2.3" is no email, "1.1.1.2" no IP).
_OURS = (
    "event_id",
    "release",
    "dist",
    "environment",
    "server_name",
    "platform",
    "sdk",
    "modules",
    "timestamp",
    "start_timestamp",
)
# Stack frame fields that hold our source code and its location, never a player's data.
_CODE_KEYS = frozenset({"pre_context", "context_line", "post_context", "abs_path", "filename", "module", "function"})
_KEPT_HEADERS = {"user-agent", "content-type", "accept"}
_FRAME_VARIABLE_DENYLIST = [
    "email",
    "mail",
    "cookie",
    "receipt",
    "signed",
    "purchase",
    "addr",
    "forwarded",
    "client_ip",
]


def _is_secret_key(key: Any) -> bool:
    if isinstance(key, bytes):
        key = key.decode("latin1")
    if not isinstance(key, str):
        return False
    return bool(_SECRET_KEY.search(key.removeprefix("b'").removesuffix("'")))


def scrub_text(text: str) -> str:
    """Replace emails, addresses, credentials and token-like strings inside one string."""
    text = _QUOTED_SECRET.sub(lambda m: f"{m.group('key')}{m.group('vq')}{FILTERED}{m.group('vq')}", text)
    text = _ASSIGNED_SECRET.sub(lambda m: f"{m.group('key')}{m.group('vq') or ''}{FILTERED}{m.group('vq') or ''}", text)
    text = _BEARER.sub(lambda m: m.group(1) + FILTERED, text)
    text = _EMAIL.sub(FILTERED, text)
    text = _IPV4.sub(FILTERED, text)
    text = _IPV6.sub(FILTERED, text)
    return _TOKEN_LIKE.sub(FILTERED, text)


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return FILTERED
    if isinstance(value, dict):
        return {
            k: FILTERED if _is_secret_key(k) else value[k] if k in _CODE_KEYS else _scrub(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        # (name, value) pairs: ASGI headers, cookie jars, form items.
        if len(value) == 2 and _is_secret_key(value[0]):
            return [value[0], FILTERED]
        return [_scrub(v, depth + 1) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Drop emails, tokens, IP addresses and cookies; keep only the player's id as the user."""
    user = event.get("user") or {}
    event["user"] = {"id": str(user["id"])} if user.get("id") is not None else {}
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "env", "query_string"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in _KEPT_HEADERS}
    kept = {key: event.pop(key) for key in _OURS if key in event}
    return {**_scrub(event), **kept}


def init_sentry(*, dsn: str, environment: str, release: str) -> bool:
    """Start reporting when a DSN is configured; without one, nothing is sent anywhere."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=0.1,
        # 10 % of processes profile continuously while they trace (the SDK's current profiling API;
        # the older `profiles_sample_rate` is deprecated in this version).
        profile_session_sample_rate=0.1,
        profile_lifecycle="trace",
        # What the SDK collects by itself, before `before_send` runs: nothing about the person.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(_KEPT_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": {"mode": "denylist", "terms": _FRAME_VARIABLE_DENYLIST},
        },
        before_send=before_send,  # type: ignore[arg-type]  # Event is a TypedDict over the same dict
        before_send_transaction=before_send,  # type: ignore[arg-type]
    )
    return True

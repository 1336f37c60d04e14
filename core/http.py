"""JSON HTTP endpoints: one place maps bodies, GameErrors, outages and crashes to the protocol's shape."""

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import page_not_found
from pydantic import BaseModel, ValidationError

from core import outages
from core.clientaddr import request_ip
from core.errors import GameError, error_payload
from core.jsonvalues import may_hold_surrogates, unencodable_fields
from core.reporting import report_exception

client_ip = request_ip  # the one helper every per-address limit uses (core/clientaddr.py)


def error_response(error: GameError) -> JsonResponse:
    response = JsonResponse({"error": error.as_error()}, status=error.http_status)
    if error.code in ("rate_limited", "unavailable") and "retry_after" in error.extra:
        response["Retry-After"] = str(max(1, round(float(error.extra["retry_after"]) + 0.499)))
    return response


def _too_large() -> GameError:
    limit = settings.API_MAX_BODY_BYTES
    return GameError("bad_request", f"The body is larger than {limit} bytes.", http_status=413)


def read_json(request: HttpRequest) -> Any:
    """The body as JSON: `application/json` only (415), bounded (413), well-formed (400)."""
    content_type = request.content_type or ""
    if content_type.lower() != "application/json":
        # A browser form (text/plain, urlencoded, multipart) cannot send this type without a CORS
        # preflight, so a foreign page cannot post to us on a visitor's behalf (login CSRF).
        raise GameError("bad_request", "Send the body as `application/json`.", http_status=415)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.API_MAX_BODY_BYTES:
        raise _too_large()
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise _too_large() from exc
    if len(body) > settings.API_MAX_BODY_BYTES:
        raise _too_large()
    try:
        text = body.decode("utf-8") if body else "{}"
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than the parser goes
        raise GameError("bad_request", "The body is not valid JSON.") from exc
    if may_hold_surrogates(text):
        bad = unencodable_fields(raw)
        if bad:
            raise GameError("bad_request", "Strings must be valid Unicode (no lone surrogates).", fields=bad)
    return raw


def parse_body(request: HttpRequest, model: type[BaseModel]) -> Any:
    raw = read_json(request)
    if not isinstance(raw, dict):
        raise GameError("bad_request", "The body must be a JSON object.")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        raise GameError("bad_request", "Invalid parameters.", fields=fields) from exc


def bearer_token(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise GameError("unauthenticated", "Send `Authorization: Bearer <token>`.")
    return token.strip()


def refuse_foreign_origin(request: HttpRequest) -> None:
    """Endpoints that set a session cookie accept a browser only from the web client's origins.

    Native clients and scripts send no `Origin`; a browser always does on a cross-site POST.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return
    allowed = settings.WS_ALLOWED_ORIGINS
    if "*" not in allowed and origin.rstrip("/") not in allowed:
        raise GameError("forbidden", "This origin may not sign in here.")


def api(*methods: str) -> Callable:
    """A JSON API view: CSRF-exempt (token auth, JSON bodies only), fixed methods, errors in the protocol's shape."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = JsonResponse(
                    {"error": error_payload("bad_request", f"Use {', '.join(methods)}.")}, status=405
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except GameError as exc:
                return error_response(exc)
            except RequestDataTooBig:
                return error_response(_too_large())
            except Exception as exc:
                if outages.is_outage(exc):
                    return error_response(outages.unavailable())
                ref = report_exception(exc, player_id=None, where=f"http:{request.path}")
                return JsonResponse({"error": error_payload("internal", "Server error.", ref=ref)}, status=500)

        return inner

    return wrap


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the protocol's error shape for the API, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": error_payload("not_found", "No such endpoint.")}, status=404)
    return page_not_found(request, exception)

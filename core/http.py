"""JSON HTTP endpoints: one place maps bodies, GameErrors and crashes to the protocol's shape."""

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ValidationError

from core.errors import GameError
from core.reporting import report_exception


def error_response(error: GameError) -> JsonResponse:
    response = JsonResponse({"error": error.as_error()}, status=error.http_status)
    if error.code == "rate_limited" and "retry_after" in error.extra:
        response["Retry-After"] = str(int(float(error.extra["retry_after"])) or 1)
    return response


def parse_body(request: HttpRequest, model: type[BaseModel]) -> Any:
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise GameError("bad_request", "The body is not valid JSON.") from exc
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


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def api(*methods: str) -> Callable:
    """A JSON API view: CSRF-exempt (token auth), fixed methods, errors in the protocol's shape."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = JsonResponse({"error": {"code": "bad_request", "message": f"Use {', '.join(methods)}."}},
                                        status=405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except GameError as exc:
                return error_response(exc)
            except Exception as exc:  # noqa: BLE001
                ref = report_exception(exc, player_id=None, where=f"http:{request.path}")
                return JsonResponse({"error": {"code": "internal", "message": "Server error.", "ref": ref}},
                                    status=500)

        return inner

    return wrap


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the protocol's error shape for the API, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "No such endpoint."}}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)

"""Health endpoints and the protocol's machine-readable schema."""

import inspect
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import sync_and_async_middleware
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import health
from core.verbs import json_schema


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """200 while the process answers; touches no dependency."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
async def ready(request: HttpRequest) -> JsonResponse:
    """200 ("ok" or "degraded") or 503 ("down"): take this process out of rotation on 503."""
    status, checks = await health.cached.get()
    body = {"status": status, "checks": health.public_view(checks)}
    return JsonResponse(body, status=503 if status == "down" else 200)


@require_GET
def protocol_schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(json_schema())


PROBES: dict[str, Callable[..., Any]] = {"/health/live": live, "/health/ready": ready}


@sync_and_async_middleware
def probe_middleware(get_response: Callable[..., Any]) -> Callable[..., Any]:
    """Answer `/health/*` before any other middleware (first in production's MIDDLEWARE).

    Load balancers and orchestrators probe a process by its address (`Host: 10.0.3.7:8000`), a host
    ALLOWED_HOSTS rightly refuses, over plain HTTP, which the HTTPS redirect would bounce. Probes
    read nothing from the request, so they skip host validation and the redirect; every other path
    goes through the whole stack.
    """
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponse:
            probe = PROBES.get(request.path_info)
            if probe is None:
                return await get_response(request)
            response = probe(request)
            return await response if inspect.isawaitable(response) else response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return get_response(request)
        return async_to_sync(probe)(request) if iscoroutinefunction(probe) else probe(request)

    return middleware

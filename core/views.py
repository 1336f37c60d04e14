"""Health endpoints, the protocol's machine-readable schema and the Prometheus metrics."""

import inspect
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import sync_and_async_middleware
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from core import health
from core import metrics as metrics_service
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


@never_cache
@csrf_exempt  # no form: a refused POST must get the 404 of any unknown path, not a 403 that tells it exists
async def metrics(request: HttpRequest) -> HttpResponse:
    """Every process's metrics for Prometheus; a 404 like any unknown path for whoever may not scrape."""
    if not metrics_service.may_scrape(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    body, content_type = await sync_to_async(metrics_service.scrape, thread_sensitive=False)()  # reads files
    return HttpResponse(body, content_type=content_type)


PROBES: dict[str, Callable[..., Any]] = {"/health/live": live, "/health/ready": ready}


def _answered_early(request: HttpRequest) -> Callable[..., Any] | None:
    """A probe, or `/metrics` for whoever may scrape (Prometheus scrapes each process by its address
    over plain HTTP, as a probe does). Anyone else goes through the whole stack like any unknown path,
    so the answer (a redirect, a refused host, a 404) does not single `/metrics` out."""
    if request.path_info == "/metrics":
        return metrics if metrics_service.may_scrape(request) else None
    return PROBES.get(request.path_info)


@sync_and_async_middleware
def probe_middleware(get_response: Callable[..., Any]) -> Callable[..., Any]:
    """Answer `/health/*` and an allowed `/metrics` before any other middleware (first in production's MIDDLEWARE).

    Load balancers and orchestrators probe a process by its address (`Host: 10.0.3.7:8000`), a host
    ALLOWED_HOSTS rightly refuses, over plain HTTP, which the HTTPS redirect would bounce. Probes
    read nothing from the request but the client's address and headers (`/metrics` decides who may
    scrape by them), so they skip host validation and the redirect; every other path goes through
    the whole stack.
    """
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponse:
            probe = _answered_early(request)
            if probe is None:
                return await get_response(request)
            response = probe(request)
            return await response if inspect.isawaitable(response) else response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        probe = _answered_early(request)
        if probe is None:
            return get_response(request)
        return async_to_sync(probe)(request) if iscoroutinefunction(probe) else probe(request)

    return middleware

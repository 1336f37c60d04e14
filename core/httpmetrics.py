"""Every HTTP request timed (core.perf, as `http:<route>`) and counted by route and status (core.metrics).

First in MIDDLEWARE, so the time is the whole stack's. The route is the URL pattern's name (a fixed
set, unlike paths full of ids), or `unmatched` when no pattern matched.
"""

import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

from core import metrics, perf

UNMATCHED = "unmatched"


def _done(request: HttpRequest, response: HttpResponse, started: float) -> None:
    seconds = time.perf_counter() - started
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match is not None else UNMATCHED
    status = response.status_code
    context = {"route": route, "method": request.method, "path": request.path[:200], "status": status}
    perf.record(f"http:{route}", seconds, context)
    metrics.http_done(route, status)


@sync_and_async_middleware
def http_metrics_middleware(get_response: Callable[..., Any]) -> Callable[..., Any]:
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponse:
            started = time.perf_counter()
            response = await get_response(request)
            _done(request, response, started)
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = get_response(request)
        _done(request, response, started)
        return response

    return middleware

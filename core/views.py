"""Health endpoints and the protocol's machine-readable schema."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core import health
from core.verbs import json_schema


@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    status, checks = health.readiness()
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "down" else 200)


@require_GET
def protocol_schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(json_schema())

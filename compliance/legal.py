"""The legal pages: privacy policy, terms of service and the support centre (templates/legal/).

Every figure a page states about what the server does - company name and address, contact emails,
how long each kind of data is kept, how long an export link lives, how often an export can be asked
for - is read from django.conf.settings at request time, never written into a template. The settings
are what the deletion, export and analytics jobs obey, so the policy a player reads cannot drift from
what the server really does: change a setting and the policy follows.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

CACHE_CONTROL = "public, max-age=3600"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _long_date(iso: str) -> str:
    """2026-11-30 -> "30 November 2026" (no locale: the pages are in English)."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _once_every(seconds: int) -> str:
    """How often an export can be asked for, in words: 3600 -> "once an hour", 7200 -> "once every 2 hours"."""
    for size, unit, article in ((86400, "day", "a"), (3600, "hour", "an"), (60, "minute", "a")):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"once {article} {unit}" if count == 1 else f"once every {count} {unit}s"
    return "once every " + _plural(seconds, "second")


def legal_context() -> dict[str, Any]:
    """The one context of the three pages, built from the settings."""
    return {
        "company_name": settings.COMPANY_NAME,
        "company_address": settings.COMPANY_ADDRESS,
        "support_email": settings.SUPPORT_EMAIL,
        "privacy_email": settings.PRIVACY_EMAIL,
        "last_updated": _long_date(settings.LEGAL_LAST_UPDATED),
        "last_updated_iso": settings.LEGAL_LAST_UPDATED,
        "deletion_grace": _plural(settings.DELETION_GRACE_DAYS, "day"),
        "export_link": _plural(settings.EXPORT_LINK_HOURS, "hour"),
        "export_every": _once_every(settings.EXPORT_EVERY_SECONDS),
        "financial_retention": _plural(settings.FINANCIAL_RECORDS_RETENTION_YEARS, "year"),
        "analytics_retention": _plural(settings.ANALYTICS_RETENTION_DAYS, "day"),
        "token_ttl": _plural(settings.AUTH_TOKEN_TTL_DAYS, "day"),
        "offline_queue": _plural(settings.GAME_OFFLINE_QUEUE_DAYS, "day"),
        "offline_queue_max": f"{settings.GAME_OFFLINE_QUEUE_MAX:,}",
    }


def _page(request: HttpRequest, template: str, page: str) -> HttpResponse:
    response = render(request, template, {**legal_context(), "page": page})
    response["Cache-Control"] = CACHE_CONTROL
    return response


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return _page(request, "legal/privacy.html", "privacy")


@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    return _page(request, "legal/terms.html", "terms")


@require_safe
def support(request: HttpRequest) -> HttpResponse:
    return _page(request, "legal/support.html", "support")

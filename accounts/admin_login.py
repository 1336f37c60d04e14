"""The operators' login page, throttled before any password is hashed.

django-axes locks an admin login after ADMIN_LOGIN_FAILURES failures per (username, address),
but it reads its count, hashes the password, and only then counts the failure: 30 parallel
guesses were all checked. This guard counts every attempt first (an atomic increment per
username and client address) and refuses past the limit without hashing; axes stays behind
it for its lockout bookkeeping and the `axes_reset_*` commands.
"""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from accounts.keys import token_hash
from core import counters
from core.clientaddr import request_ip


def _counter(request: HttpRequest) -> str:
    username = str(request.POST.get("username", ""))[:150].casefold()
    return f"admin-login:{token_hash(username)}:{request_ip(request)}"


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    name = _counter(request)
    window = int(settings.AXES_COOLOFF_TIME * 3600)
    count, retry = counters.hit(name, window=window)
    if count > settings.AXES_FAILURE_LIMIT:
        counters.release(name)  # refused unchecked: it does not stretch the lockout
        response = HttpResponse(
            "<h1>Too many failed sign-ins</h1><p>This account is locked for a while; try again later.</p>",
            status=429,
        )
        response["Retry-After"] = str(max(1, round(retry)))
        return response
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated:
        counters.release(name)  # a success is not a guess
    return response

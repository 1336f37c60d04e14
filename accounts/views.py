"""HTTP sign-in endpoints of the protocol (section 1)."""

from django.contrib.auth import login as session_login
from django.contrib.auth import logout as session_logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from pydantic import BaseModel, ConfigDict, Field

from accounts.models import Player
from accounts.services import login as login_service
from accounts.services import signup, tokens
from core.http import api, bearer_token, client_ip, parse_body, refuse_foreign_origin


class DeviceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    device_id: str = Field(min_length=8, max_length=128)


class RegisterBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    token: str | None = Field(default=None, max_length=256)


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


def _with_browser_session(request: HttpRequest, player_id: int) -> None:
    """Sign the browser in too, so the web client's socket can use the session cookie."""
    session_login(request, Player.objects.get(pk=player_id).user, backend="django.contrib.auth.backends.ModelBackend")


@api("POST")
def device(request: HttpRequest) -> HttpResponse:
    body = parse_body(request, DeviceBody)
    session = signup.sign_in_device(device_id=body.device_id, ip=client_ip(request))
    return JsonResponse({"token": session.token, "player_id": session.player_id, "created": session.created})


@api("POST")
def register(request: HttpRequest) -> HttpResponse:
    refuse_foreign_origin(request)  # it sets a session cookie
    body = parse_body(request, RegisterBody)
    session = signup.register(email=body.email, password=body.password, guest_token=body.token, ip=client_ip(request))
    _with_browser_session(request, session.player_id)
    return JsonResponse({"token": session.token, "player_id": session.player_id}, status=201)


@api("POST")
def login(request: HttpRequest) -> HttpResponse:
    refuse_foreign_origin(request)  # it sets a session cookie
    body = parse_body(request, LoginBody)
    session = login_service.login(email=body.email, password=body.password, ip=client_ip(request))
    _with_browser_session(request, session.player_id)
    return JsonResponse({"token": session.token, "player_id": session.player_id})


@api("POST")
def logout(request: HttpRequest) -> HttpResponse:
    tokens.logout(token=bearer_token(request))
    session_logout(request)
    return HttpResponse(status=204)

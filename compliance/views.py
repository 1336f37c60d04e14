"""The export's download link: `GET /api/export/<id>` with the player's own token (docs/privacy.md)."""

from django.http import HttpRequest, HttpResponse

from accounts.selectors import token_owner
from compliance.services import exports
from core.errors import GameError
from core.http import api, bearer_token


@api("GET")
def export_download(request: HttpRequest, public_id: str) -> HttpResponse:
    owner = token_owner(bearer_token(request))
    if owner is None:
        raise GameError("unauthenticated", "The token is not valid.", http_status=401)
    body = exports.download(public_id=str(public_id), player_id=owner[0])
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="baolife-export-{public_id}.json"'
    response["Cache-Control"] = "private, no-store"
    return response

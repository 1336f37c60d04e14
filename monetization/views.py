"""Store server-to-server endpoints."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from pydantic import BaseModel, ConfigDict, Field

from core.errors import GameError
from core.http import api, parse_body
from monetization.services import store_sync
from monetization.stores.base import ReceiptInvalid


class AppleNotificationBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    signedPayload: str = Field(min_length=1, max_length=200_000)


@api("POST")
def apple_notifications(request: HttpRequest) -> HttpResponse:
    """App Store Server Notifications V2: verified like a purchase, applied once per notification UUID."""
    body = parse_body(request, AppleNotificationBody)
    try:
        outcome = store_sync.handle_apple_notification(signed_payload=body.signedPayload)
    except ReceiptInvalid as exc:
        raise GameError("invalid_receipt", f"Notification failed verification: {exc.reason}.") from exc
    return JsonResponse({"status": outcome})

"""Google Play in-app product verification via the Play Developer API (purchases.products / voidedpurchases).

Unlike Apple, Play purchase tokens are opaque: the only trustworthy answer comes from asking Google with
our service account. ``PlayPurchasesClient`` is that network boundary (tests stub it with a local HTTP
server); ``GoogleVerifier`` turns its answers into grant/deny decisions. Auth uses the OAuth 2.0
service-account flow (RS256-signed JWT assertion exchanged for a bearer token) with only the stdlib and
``cryptography``, so no Google client library is needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from monetization.stores.base import (
    ENV_PRODUCTION,
    ENV_SANDBOX,
    STORE_GOOGLE,
    PurchasePending,
    ReceiptInvalid,
    StoreUnavailable,
    VerifiedPurchase,
    datetime_from_millis,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TOKEN_URI",
    "GoogleVerifier",
    "PlayApiError",
    "PlayDeveloperApiClient",
    "PlayPurchasesClient",
    "PurchasePending",
    "ReceiptInvalid",
    "StoreUnavailable",
    "VerifiedPurchase",
    "VoidedPurchase",
    "google_verifier_from_settings",
    "play_transaction_id",
]

DEFAULT_BASE_URL = "https://androidpublisher.googleapis.com/androidpublisher/v3"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a public endpoint, not a secret
ANDROIDPUBLISHER_SCOPE = "https://www.googleapis.com/auth/androidpublisher"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

PURCHASE_STATE_PURCHASED = 0
PURCHASE_STATE_CANCELED = 1
PURCHASE_STATE_PENDING = 2
PURCHASE_TYPE_TEST = 0

# Statuses that mean "Google says this token/product is not a valid purchase" (vs. our/Google's trouble).
_INVALID_RECEIPT_STATUSES = {400, 404, 410}
_MAX_RESPONSE_BYTES = 2 * 1024 * 1024
_MAX_VOIDED_PAGES = 100
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class PlayApiError(Exception):
    """The Play Developer API answered with an HTTP error; ``status`` drives invalid-vs-retry decisions."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status}: {reason}")
        self.status = status
        self.reason = reason


class PlayPurchasesClient(Protocol):
    """The network boundary. Implementations raise PlayApiError for HTTP errors, StoreUnavailable otherwise."""

    def get_product_purchase(self, package_name: str, product_id: str, token: str) -> dict: ...

    def acknowledge(self, package_name: str, product_id: str, token: str) -> None: ...

    def voided_purchases(self, package_name: str, start_time_millis: int) -> list[dict]: ...


@dataclass(frozen=True)
class VoidedPurchase:
    """A refunded/charged-back/revoked Play purchase; ``order_id`` matches ``VerifiedPurchase.transaction_id``."""

    order_id: str
    purchase_token: str
    voided_at: datetime
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def play_transaction_id(order_id: str | None, purchase_token: str) -> str:
    """orderId, or a stable stand-in when Google omits it (promo-code redemptions) so dedupe still works."""
    if order_id:
        return order_id
    return "gp-token-" + hashlib.sha256(purchase_token.encode()).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib re-sends the Authorization header on redirects, even cross-host; Google never redirects us."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _check_url(url: str, what: str) -> str:
    """Only https (or http to loopback, for test stubs): the bearer token must never cross the wire in clear."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS:
        return url.rstrip("/")
    raise ValueError(f"{what} must be an https URL")


def _quote(segment: str) -> str:
    return urllib.parse.quote(str(segment), safe="")


class PlayDeveloperApiClient:
    """Minimal urllib client for the androidpublisher v3 endpoints we need, with cached OAuth tokens."""

    def __init__(
        self,
        service_account_info: dict[str, Any],
        *,
        base_url: str = DEFAULT_BASE_URL,
        token_uri: str | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        try:
            self._client_email = str(service_account_info["client_email"])
            key = serialization.load_pem_private_key(service_account_info["private_key"].encode(), password=None)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError("service account info needs client_email and an RSA private_key") from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("service account private_key must be RSA")
        self._private_key = key
        self._key_id = service_account_info.get("private_key_id")
        self._token_uri = _check_url(
            token_uri or service_account_info.get("token_uri") or DEFAULT_TOKEN_URI, "token_uri"
        )
        self._base_url = _check_url(base_url, "base_url")
        self._timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._access_token: str | None = None
        self._access_token_expiry = 0.0

    @classmethod
    def from_service_account_file(cls, path: str, **kwargs: Any) -> PlayDeveloperApiClient:
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh), **kwargs)

    # --- OAuth -------------------------------------------------------------------------------------

    def _assertion(self, now: int) -> str:
        header: dict[str, Any] = {"alg": "RS256", "typ": "JWT"}
        if self._key_id:
            header["kid"] = self._key_id
        claims = {
            "iss": self._client_email,
            "scope": ANDROIDPUBLISHER_SCOPE,
            "aud": self._token_uri,
            "iat": now,
            "exp": now + 3600,
        }
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self._private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64url(signature)}"

    def _bearer_token(self) -> str:
        with self._lock:
            now = self._clock()
            if self._access_token and now < self._access_token_expiry - 60:
                return self._access_token
            body = urllib.parse.urlencode(
                {"grant_type": JWT_BEARER_GRANT, "assertion": self._assertion(int(now))}
            ).encode()
            try:
                _, payload = self._send(
                    "POST", self._token_uri, body, {"Content-Type": "application/x-www-form-urlencoded"}
                )
            except PlayApiError as exc:
                # A rejected assertion is our configuration problem, never the player's receipt.
                raise StoreUnavailable(f"google oauth token exchange failed (HTTP {exc.status})") from exc
            token = payload.get("access_token") if isinstance(payload, dict) else None
            if not token:
                raise StoreUnavailable("google oauth response had no access_token")
            try:
                lifetime = float(payload.get("expires_in", 3600))
            except (TypeError, ValueError):
                lifetime = 0.0  # usable once, then re-minted
            self._access_token = str(token)
            self._access_token_expiry = now + lifetime
            return self._access_token

    def _invalidate_token(self) -> None:
        with self._lock:
            self._access_token = None

    # --- HTTP --------------------------------------------------------------------------------------

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, Any]:
        all_headers = {"Accept": "application/json", **headers}
        request = urllib.request.Request(url, data=body, method=method, headers=all_headers)  # noqa: S310 - _check_url
        try:
            with _OPENER.open(request, timeout=self._timeout) as response:
                raw = response.read(_MAX_RESPONSE_BYTES)
                status = response.status
        except urllib.error.HTTPError as exc:
            raise PlayApiError(exc.code, _error_reason(exc)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreUnavailable("google play api unreachable") from exc
        if not raw.strip():
            return status, {}
        try:
            return status, json.loads(raw)
        except ValueError as exc:
            raise StoreUnavailable("google play api returned non-JSON") from exc

    def _api(self, method: str, path: str, *, query: dict[str, Any] | None = None, body: bytes | None = None) -> Any:
        url = self._base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in range(2):
            try:
                auth = {"Authorization": f"Bearer {self._bearer_token()}"}
                _, payload = self._send(method, url, body, {**headers, **auth})
                return payload
            except PlayApiError as exc:
                if exc.status == 401 and attempt == 0:
                    self._invalidate_token()  # revoked/expired early: mint a new one once
                    continue
                raise
        raise AssertionError("unreachable")

    # --- PlayPurchasesClient -----------------------------------------------------------------------

    def _product_path(self, package_name: str, product_id: str, token: str) -> str:
        return f"/applications/{_quote(package_name)}/purchases/products/{_quote(product_id)}/tokens/{_quote(token)}"

    def get_product_purchase(self, package_name: str, product_id: str, token: str) -> dict:
        payload = self._api("GET", self._product_path(package_name, product_id, token))
        if not isinstance(payload, dict):
            raise StoreUnavailable("unexpected google play response")
        return payload

    def acknowledge(self, package_name: str, product_id: str, token: str) -> None:
        self._api("POST", self._product_path(package_name, product_id, token) + ":acknowledge", body=b"{}")

    def voided_purchases(self, package_name: str, start_time_millis: int) -> list[dict]:
        path = f"/applications/{_quote(package_name)}/purchases/voidedpurchases"
        query: dict[str, Any] = {"startTime": int(start_time_millis), "maxResults": 1000, "type": 0}
        results: list[dict] = []
        for _ in range(_MAX_VOIDED_PAGES):
            payload = self._api("GET", path, query=query)
            if not isinstance(payload, dict):
                raise StoreUnavailable("unexpected google play response")
            results.extend(p for p in payload.get("voidedPurchases", []) if isinstance(p, dict))
            next_token = (payload.get("tokenPagination") or {}).get("nextPageToken")
            if not next_token:
                break
            query = {**query, "token": next_token}
        return results


def _error_reason(exc: urllib.error.HTTPError) -> str:
    """Google's short error message, trimmed; never echoes request data beyond what Google wrote."""
    try:
        payload = json.loads(exc.read(64_000) or b"{}")
        message = payload.get("error", {}).get("message") if isinstance(payload.get("error"), dict) else None
        message = message or payload.get("error_description") or payload.get("error")
    except (ValueError, AttributeError, OSError):
        message = None
    return str(message or exc.reason or "error")[:200]


class GoogleVerifier:
    """Decides whether a Play purchase token grants a product, for one app package."""

    def __init__(self, client: PlayPurchasesClient, package_name: str) -> None:
        if not package_name:
            raise ValueError("package_name is required")
        self.client = client
        self.package_name = package_name

    def verify(self, product_id: str, purchase_token: str) -> VerifiedPurchase:
        """Grant only PURCHASED (state 0); PENDING raises PurchasePending, CANCELED/unknown ReceiptInvalid."""
        if not product_id or not purchase_token or len(purchase_token) > 4096 or len(product_id) > 256:
            raise ReceiptInvalid("malformed purchase token")
        try:
            data = self.client.get_product_purchase(self.package_name, product_id, purchase_token)
        except PlayApiError as exc:
            _raise_for(exc)
        state = data.get("purchaseState")
        if state == PURCHASE_STATE_PENDING:
            raise PurchasePending("purchase pending")
        if state == PURCHASE_STATE_CANCELED:
            raise ReceiptInvalid("purchase canceled")
        if state != PURCHASE_STATE_PURCHASED:
            raise ReceiptInvalid("unknown purchase state")
        if data.get("productId") not in (None, product_id):
            raise ReceiptInvalid("product mismatch")
        try:
            purchased_at = datetime_from_millis(data["purchaseTimeMillis"])
            quantity = int(data.get("quantity") or 1)
        except (KeyError, TypeError, ValueError) as exc:
            raise ReceiptInvalid("malformed purchase") from exc
        if quantity < 1:
            raise ReceiptInvalid("malformed purchase")
        return VerifiedPurchase(
            store=STORE_GOOGLE,
            transaction_id=play_transaction_id(data.get("orderId"), purchase_token),
            original_transaction_id=None,
            product_id=product_id,
            purchased_at=purchased_at,
            environment=ENV_SANDBOX if data.get("purchaseType") == PURCHASE_TYPE_TEST else ENV_PRODUCTION,
            quantity=quantity,
            raw=data,
        )

    def acknowledge(self, product_id: str, purchase_token: str) -> None:
        """Acknowledge after granting; Play auto-refunds purchases left unacknowledged for 3 days."""
        try:
            self.client.acknowledge(self.package_name, product_id, purchase_token)
        except PlayApiError as exc:
            _raise_for(exc)

    def voided_since(self, start_time_millis: int) -> list[VoidedPurchase]:
        """Voided (refunded/charged back) purchases since ``start_time_millis``; Google keeps ~30 days."""
        try:
            entries = self.client.voided_purchases(self.package_name, start_time_millis)
        except PlayApiError as exc:
            raise StoreUnavailable(f"google voided purchases failed (HTTP {exc.status})") from exc
        voided: list[VoidedPurchase] = []
        for entry in entries:
            token = entry.get("purchaseToken")
            if not token or entry.get("voidedTimeMillis") is None:
                continue
            voided.append(
                VoidedPurchase(
                    order_id=play_transaction_id(entry.get("orderId"), token),
                    purchase_token=token,
                    voided_at=datetime_from_millis(entry["voidedTimeMillis"]),
                    raw=entry,
                )
            )
        return voided


def _raise_for(exc: PlayApiError) -> NoReturn:
    if exc.status in _INVALID_RECEIPT_STATUSES:
        raise ReceiptInvalid("purchase token not valid for this product") from exc
    raise StoreUnavailable(f"google play api error (HTTP {exc.status})") from exc


def google_verifier_from_settings() -> GoogleVerifier:
    """Build the verifier from Django settings (GOOGLE_PLAY_PACKAGE_NAME, GOOGLE_PLAY_SERVICE_ACCOUNT_FILE,
    optional GOOGLE_PLAY_API_BASE_URL / GOOGLE_PLAY_TOKEN_URI / GOOGLE_PLAY_TIMEOUT)."""
    package = getattr(settings, "GOOGLE_PLAY_PACKAGE_NAME", "") or ""
    account_file = getattr(settings, "GOOGLE_PLAY_SERVICE_ACCOUNT_FILE", "") or ""
    if not package or not account_file:
        raise ImproperlyConfigured("GOOGLE_PLAY_PACKAGE_NAME and GOOGLE_PLAY_SERVICE_ACCOUNT_FILE are required")
    try:
        client = PlayDeveloperApiClient.from_service_account_file(
            account_file,
            base_url=getattr(settings, "GOOGLE_PLAY_API_BASE_URL", None) or DEFAULT_BASE_URL,
            token_uri=getattr(settings, "GOOGLE_PLAY_TOKEN_URI", None) or None,
            timeout=float(getattr(settings, "GOOGLE_PLAY_TIMEOUT", 10.0)),
        )
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"Google Play settings: {exc}") from exc
    return GoogleVerifier(client, package)

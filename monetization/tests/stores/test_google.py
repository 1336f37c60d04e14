"""GoogleVerifier + PlayDeveloperApiClient against a local OAuth/Play stub over real sockets."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from monetization.stores.google import (
    GoogleVerifier,
    PlayDeveloperApiClient,
    PurchasePending,
    ReceiptInvalid,
    StoreUnavailable,
    VoidedPurchase,
    google_verifier_from_settings,
    play_transaction_id,
)
from monetization.tests.stores.playstub import PlayStub, make_service_account

PACKAGE = "com.baolife.game"
PRODUCT = "diamonds_100"


def purchase_body(**overrides: object) -> dict:
    body: dict = {
        "kind": "androidpublisher#productPurchase",
        "purchaseTimeMillis": str(int(time.time() * 1000) - 10_000),
        "purchaseState": 0,
        "consumptionState": 0,
        "developerPayload": "",
        "orderId": "GPA.3301-1234-5678-90123",
        "acknowledgementState": 0,
        "productId": PRODUCT,
        "regionCode": "VN",
        "obfuscatedExternalAccountId": "player-42",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def stub() -> Iterator[PlayStub]:
    server = PlayStub().start()
    yield server
    server.stop()


@pytest.fixture
def service_account(stub: PlayStub) -> dict:
    account = make_service_account(stub.token_uri)
    stub.trust(account)
    return account


@pytest.fixture
def client(stub: PlayStub, service_account: dict) -> PlayDeveloperApiClient:
    return PlayDeveloperApiClient(service_account, base_url=stub.base_url, timeout=5)


@pytest.fixture
def verifier(client: PlayDeveloperApiClient) -> GoogleVerifier:
    return GoogleVerifier(client, PACKAGE)


def put(stub: PlayStub, token: str, status: int = 200, body: object = None, product: str = PRODUCT) -> None:
    stub.purchases[(PACKAGE, product, token)] = (status, body)


# --- verify ----------------------------------------------------------------------------------------


def test_purchased_grants(stub: PlayStub, verifier: GoogleVerifier) -> None:
    bought_ms = int(time.time() * 1000) - 42_000
    put(stub, "tok-ok", body=purchase_body(purchaseTimeMillis=str(bought_ms), quantity=2))

    purchase = verifier.verify(PRODUCT, "tok-ok")

    assert purchase.store == "google"
    assert purchase.transaction_id == "GPA.3301-1234-5678-90123"
    assert purchase.original_transaction_id is None
    assert purchase.product_id == PRODUCT
    assert purchase.environment == "production"
    assert purchase.quantity == 2
    assert purchase.purchased_at == datetime.fromtimestamp(bought_ms / 1000, tz=UTC)
    assert purchase.raw["obfuscatedExternalAccountId"] == "player-42"
    # The stub only answers to a bearer token it minted from a correctly signed assertion.
    assert stub.token_requests == 1 and stub.rejected_assertions == 0
    api_calls = [r for r in stub.requests if r[1].startswith("/androidpublisher")]
    assert api_calls[0][2]["Authorization"].startswith("Bearer ya29.stub-")


def test_test_purchase_is_sandbox(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-test", body=purchase_body(purchaseType=0))
    assert verifier.verify(PRODUCT, "tok-test").environment == "sandbox"
    put(stub, "tok-promo", body=purchase_body(purchaseType=1, orderId=None))
    promo = verifier.verify(PRODUCT, "tok-promo")
    assert promo.environment == "production"
    assert promo.transaction_id == play_transaction_id(None, "tok-promo")
    assert promo.transaction_id.startswith("gp-token-")


def test_pending_raises_purchase_pending(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-pending", body=purchase_body(purchaseState=2))
    with pytest.raises(PurchasePending) as excinfo:
        verifier.verify(PRODUCT, "tok-pending")
    assert isinstance(excinfo.value, ReceiptInvalid)


def test_canceled_is_invalid(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-canceled", body=purchase_body(purchaseState=1))
    with pytest.raises(ReceiptInvalid) as excinfo:
        verifier.verify(PRODUCT, "tok-canceled")
    assert not isinstance(excinfo.value, PurchasePending)
    assert excinfo.value.reason == "purchase canceled"


@pytest.mark.parametrize("state", [None, 3, "0"])
def test_unknown_state_is_invalid(stub: PlayStub, verifier: GoogleVerifier, state: object) -> None:
    put(stub, "tok-odd", body=purchase_body(purchaseState=state))
    with pytest.raises(ReceiptInvalid):
        verifier.verify(PRODUCT, "tok-odd")


@pytest.mark.parametrize("status", [400, 404, 410])
def test_google_rejects_token(stub: PlayStub, verifier: GoogleVerifier, status: int) -> None:
    put(stub, "tok-bad", status=status)
    with pytest.raises(ReceiptInvalid) as excinfo:
        verifier.verify(PRODUCT, "tok-bad")
    assert not isinstance(excinfo.value, PurchasePending)


def test_unknown_token_is_invalid(verifier: GoogleVerifier) -> None:
    with pytest.raises(ReceiptInvalid):
        verifier.verify(PRODUCT, "never-issued")


@pytest.mark.parametrize("status", [403, 429, 500, 503])
def test_store_trouble_is_retryable_not_invalid(stub: PlayStub, verifier: GoogleVerifier, status: int) -> None:
    put(stub, "tok-flaky", status=status)
    with pytest.raises(StoreUnavailable):
        verifier.verify(PRODUCT, "tok-flaky")


def test_product_mismatch(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-cheap", body=purchase_body(productId="diamonds_1"))
    with pytest.raises(ReceiptInvalid):
        verifier.verify(PRODUCT, "tok-cheap")


def test_malformed_purchase(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-nodate", body=purchase_body(purchaseTimeMillis=None))
    with pytest.raises(ReceiptInvalid):
        verifier.verify(PRODUCT, "tok-nodate")


@pytest.mark.parametrize(("product", "token"), [("", "tok"), (PRODUCT, ""), (PRODUCT, "x" * 5000)])
def test_malformed_input_never_reaches_google(
    stub: PlayStub, verifier: GoogleVerifier, product: str, token: str
) -> None:
    with pytest.raises(ReceiptInvalid):
        verifier.verify(product, token)
    assert stub.requests == []


def test_token_path_segments_are_escaped(stub: PlayStub, verifier: GoogleVerifier) -> None:
    weird = "abc/../def:acknowledge?x=1#frag"
    put(stub, weird, body=purchase_body())
    assert verifier.verify(PRODUCT, weird).transaction_id == "GPA.3301-1234-5678-90123"


# --- auth ------------------------------------------------------------------------------------------


def test_access_token_is_cached(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-ok", body=purchase_body())
    for _ in range(3):
        verifier.verify(PRODUCT, "tok-ok")
    assert stub.token_requests == 1


def test_access_token_refreshed_when_near_expiry(stub: PlayStub, verifier: GoogleVerifier) -> None:
    stub.expires_in = 30  # inside the client's 60 s safety margin: every call must mint a fresh token
    put(stub, "tok-ok", body=purchase_body())
    verifier.verify(PRODUCT, "tok-ok")
    verifier.verify(PRODUCT, "tok-ok")
    assert stub.token_requests == 2


def test_revoked_access_token_is_reminted_once(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-ok", body=purchase_body())
    verifier.verify(PRODUCT, "tok-ok")
    stub.issued_tokens.clear()  # Google forgot our token: first call gets 401
    assert verifier.verify(PRODUCT, "tok-ok").product_id == PRODUCT
    assert stub.token_requests == 2


def test_assertion_signed_with_wrong_key_is_store_unavailable(stub: PlayStub, service_account: dict) -> None:
    impostor = make_service_account(stub.token_uri, email=service_account["client_email"], fresh_key=True)
    verifier = GoogleVerifier(PlayDeveloperApiClient(impostor, base_url=stub.base_url), PACKAGE)
    put(stub, "tok-ok", body=purchase_body())
    with pytest.raises(StoreUnavailable):
        verifier.verify(PRODUCT, "tok-ok")
    assert stub.rejected_assertions == 1
    assert not any(r[1].startswith("/androidpublisher") and "Authorization" in r[2] for r in stub.requests)


def test_token_uri_override_beats_service_account_file(stub: PlayStub, service_account: dict) -> None:
    account = {**service_account, "token_uri": "https://oauth2.example.invalid/token"}
    client = PlayDeveloperApiClient(account, base_url=stub.base_url, token_uri=stub.token_uri)
    put(stub, "tok-ok", body=purchase_body())
    assert GoogleVerifier(client, PACKAGE).verify(PRODUCT, "tok-ok")


# --- transport -------------------------------------------------------------------------------------


def test_unreachable_api_is_store_unavailable(service_account: dict) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = PlayDeveloperApiClient(
        service_account, base_url=f"http://127.0.0.1:{port}/v3", token_uri=f"http://127.0.0.1:{port}/token", timeout=2
    )
    with pytest.raises(StoreUnavailable):
        GoogleVerifier(client, PACKAGE).verify(PRODUCT, "tok")


def test_redirects_are_not_followed(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-redirect", status=302)
    with pytest.raises(StoreUnavailable):
        verifier.verify(PRODUCT, "tok-redirect")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": "http://androidpublisher.googleapis.com/androidpublisher/v3"},
        {"token_uri": "http://oauth2.googleapis.com/token"},
        {"base_url": "file:///etc/passwd"},
    ],
)
def test_plain_http_only_to_loopback(service_account: dict, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        PlayDeveloperApiClient(service_account, **kwargs)


def test_bad_service_account() -> None:
    with pytest.raises(ValueError):
        PlayDeveloperApiClient({"client_email": "x@y", "private_key": "nope"})
    with pytest.raises(ValueError):
        PlayDeveloperApiClient({"private_key": "nope"})


# --- acknowledge / voided --------------------------------------------------------------------------


def test_acknowledge_reaches_stub(stub: PlayStub, verifier: GoogleVerifier) -> None:
    put(stub, "tok-ok", body=purchase_body())
    verifier.acknowledge(PRODUCT, "tok-ok")
    assert len(stub.acknowledged) == 1
    pkg, product, token, body = stub.acknowledged[0]
    assert (pkg, product, token) == (PACKAGE, PRODUCT, "tok-ok")
    assert json.loads(body) == {}


def test_acknowledge_unknown_token(verifier: GoogleVerifier) -> None:
    with pytest.raises(ReceiptInvalid):
        verifier.acknowledge(PRODUCT, "never-issued")


def test_voided_purchases_parsed_across_pages(stub: PlayStub, verifier: GoogleVerifier) -> None:
    stub.voided_pages = [
        {
            "voidedPurchases": [
                {
                    "kind": "androidpublisher#voidedPurchase",
                    "purchaseToken": "tok-a",
                    "purchaseTimeMillis": "1700000000000",
                    "voidedTimeMillis": "1700000500000",
                    "orderId": "GPA.1111-2222-3333-44444",
                    "voidedSource": 0,
                    "voidedReason": 1,
                }
            ]
        },
        {
            "voidedPurchases": [
                {"purchaseToken": "tok-b", "voidedTimeMillis": "1700000600000", "voidedSource": 1},
                {"orderId": "GPA.no-token", "voidedTimeMillis": "1700000600000"},
            ]
        },
    ]

    voided = verifier.voided_since(1_699_000_000_000)

    assert voided == [
        VoidedPurchase("GPA.1111-2222-3333-44444", "tok-a", datetime.fromtimestamp(1_700_000_500, tz=UTC)),
        VoidedPurchase(play_transaction_id(None, "tok-b"), "tok-b", datetime.fromtimestamp(1_700_000_600, tz=UTC)),
    ]
    assert voided[0].raw["voidedReason"] == 1
    voided_calls = [r for r in stub.requests if r[1].endswith("/voidedpurchases")]
    assert len(voided_calls) == 2


def test_voided_purchases_empty(stub: PlayStub, verifier: GoogleVerifier) -> None:
    stub.voided_pages = [{}]
    assert verifier.voided_since(0) == []


# --- settings --------------------------------------------------------------------------------------


def test_from_settings(stub: PlayStub, service_account: dict, settings, tmp_path) -> None:
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(service_account))
    settings.GOOGLE_PLAY_PACKAGE_NAME = PACKAGE
    settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = str(path)
    settings.GOOGLE_PLAY_API_BASE_URL = stub.base_url
    put(stub, "tok-ok", body=purchase_body())

    assert google_verifier_from_settings().verify(PRODUCT, "tok-ok").store == "google"


def test_from_settings_misconfigured(settings, tmp_path) -> None:
    settings.GOOGLE_PLAY_PACKAGE_NAME = PACKAGE
    settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = ""
    with pytest.raises(ImproperlyConfigured):
        google_verifier_from_settings()
    settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = str(tmp_path / "missing.json")
    with pytest.raises(ImproperlyConfigured):
        google_verifier_from_settings()

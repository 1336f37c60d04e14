"""AppleVerifier against a locally generated Apple-shaped PKI: every test runs real signature/chain checks."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from monetization.stores.apple import (
    AppleNotification,
    AppleVerifier,
    ReceiptInvalid,
    VerifiedPurchase,
    apple_verifier_from_settings,
)
from monetization.tests.stores.fakeapple import (
    APP_APPLE_ID,
    BUNDLE_ID,
    FakeAppleCA,
    b64url,
    notification_payload,
    now_ms,
    transaction_payload,
)


@pytest.fixture(scope="module")
def ca() -> FakeAppleCA:
    return FakeAppleCA.create()


@pytest.fixture(scope="module")
def other_ca() -> FakeAppleCA:
    return FakeAppleCA.create(root_name="Fake Apple Root CA - G3")  # same name, different keys


def make_verifier(ca: FakeAppleCA, **overrides: object) -> AppleVerifier:
    kwargs: dict = {
        "root_certificates": [ca.root_der],
        "bundle_id": BUNDLE_ID,
        "app_apple_id": APP_APPLE_ID,
        "environment": "production",
        "allow_sandbox": False,
    }
    kwargs.update(overrides)
    return AppleVerifier(**kwargs)


def reason_of(excinfo: pytest.ExceptionInfo[ReceiptInvalid]) -> str:
    return excinfo.value.reason


# --- success ---------------------------------------------------------------------------------------


def test_valid_production_transaction(ca: FakeAppleCA) -> None:
    purchase_ms = now_ms() - 60_000
    signed = ca.sign(transaction_payload(transactionId="2000000999", quantity=3, purchaseDate=purchase_ms))

    purchase = make_verifier(ca).verify_transaction(signed)

    assert isinstance(purchase, VerifiedPurchase)
    assert purchase.store == "apple"
    assert purchase.transaction_id == "2000000999"
    assert purchase.original_transaction_id == "2000000123456789"
    assert purchase.product_id == "com.baolife.game.diamonds.100"
    assert purchase.environment == "production"
    assert not purchase.is_sandbox
    assert purchase.quantity == 3
    assert purchase.purchased_at == datetime.fromtimestamp(purchase_ms / 1000, tz=UTC)
    assert purchase.purchased_at.tzinfo is not None
    assert purchase.revoked_at is None
    assert purchase.raw["type"] == "Consumable"
    assert purchase.raw["bundleId"] == BUNDLE_ID


def test_pem_root_certificate_is_accepted(ca: FakeAppleCA) -> None:
    verifier = make_verifier(ca, root_certificates=[ca.root_pem])
    assert verifier.verify_transaction(ca.sign(transaction_payload())).transaction_id


def test_one_of_several_roots_may_match(ca: FakeAppleCA, other_ca: FakeAppleCA) -> None:
    verifier = make_verifier(ca, root_certificates=[other_ca.root_der, ca.root_der])
    assert verifier.verify_transaction(ca.sign(transaction_payload())).environment == "production"


def test_missing_quantity_defaults_to_one(ca: FakeAppleCA) -> None:
    signed = ca.sign(transaction_payload(quantity=None))
    assert make_verifier(ca).verify_transaction(signed).quantity == 1


# --- app / environment binding ---------------------------------------------------------------------


def test_wrong_bundle_id(ca: FakeAppleCA) -> None:
    signed = ca.sign(transaction_payload(bundleId="com.evil.clone"))
    with pytest.raises(ReceiptInvalid) as excinfo:
        make_verifier(ca).verify_transaction(signed)
    assert reason_of(excinfo) == "bundle id or app id mismatch"


def test_sandbox_on_production_rejected_without_allow_sandbox(ca: FakeAppleCA) -> None:
    signed = ca.sign(transaction_payload(environment="Sandbox"))
    with pytest.raises(ReceiptInvalid) as excinfo:
        make_verifier(ca).verify_transaction(signed)
    assert reason_of(excinfo) == "wrong environment"


def test_sandbox_on_production_allowed_is_flagged(ca: FakeAppleCA) -> None:
    verifier = make_verifier(ca, allow_sandbox=True)
    purchase = verifier.verify_transaction(ca.sign(transaction_payload(environment="Sandbox")))
    assert purchase.environment == "sandbox"
    assert purchase.is_sandbox
    # Production purchases still go through the production verifier.
    assert verifier.verify_transaction(ca.sign(transaction_payload())).environment == "production"


def test_allowed_sandbox_still_verifies_signature(ca: FakeAppleCA, other_ca: FakeAppleCA) -> None:
    verifier = make_verifier(ca, allow_sandbox=True)
    with pytest.raises(ReceiptInvalid):
        verifier.verify_transaction(other_ca.sign(transaction_payload(environment="Sandbox")))


def test_sandbox_server_rejects_production_transactions(ca: FakeAppleCA) -> None:
    verifier = make_verifier(ca, environment="sandbox", app_apple_id=None)
    assert verifier.verify_transaction(ca.sign(transaction_payload(environment="Sandbox"))).is_sandbox
    with pytest.raises(ReceiptInvalid):
        verifier.verify_transaction(ca.sign(transaction_payload(environment="Production")))


@pytest.mark.parametrize("environment", ["Xcode", "LocalTesting", "production", None, 1])
def test_unsigned_or_unknown_environments_rejected(ca: FakeAppleCA, environment: object) -> None:
    signed = ca.sign(transaction_payload(environment=environment))
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca, allow_sandbox=True).verify_transaction(signed)


# --- signature / chain -----------------------------------------------------------------------------


def test_tampered_payload(ca: FakeAppleCA) -> None:
    header, _payload, signature = ca.sign(transaction_payload(quantity=1)).split(".")
    forged = b64url(json.dumps(transaction_payload(quantity=500)).encode())
    with pytest.raises(ReceiptInvalid) as excinfo:
        make_verifier(ca).verify_transaction(f"{header}.{forged}.{signature}")
    assert reason_of(excinfo) == "signature or certificate chain invalid"


def test_tampered_signature(ca: FakeAppleCA) -> None:
    header, payload, signature = ca.sign(transaction_payload()).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[10] ^= 0x01
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(f"{header}.{payload}.{b64url(bytes(raw))}")


def test_untrusted_root(ca: FakeAppleCA, other_ca: FakeAppleCA) -> None:
    with pytest.raises(ReceiptInvalid) as excinfo:
        make_verifier(ca).verify_transaction(other_ca.sign(transaction_payload()))
    assert reason_of(excinfo) == "signature or certificate chain invalid"


def test_x5c_root_entry_is_not_trusted(ca: FakeAppleCA, other_ca: FakeAppleCA) -> None:
    # Attacker chain, but claiming our trusted root as the third x5c entry.
    signed = other_ca.sign(transaction_payload(), header={"x5c": [*other_ca.x5c[:2], ca.x5c[2]]})
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(signed)


def test_genuine_chain_but_key_mismatch(ca: FakeAppleCA, other_ca: FakeAppleCA) -> None:
    # A trusted chain in x5c, but the JWS is signed by a different (attacker) leaf key.
    signed = other_ca.sign(transaction_payload(), header={"x5c": ca.x5c})
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(signed)


@pytest.mark.parametrize("missing", ["intermediate", "leaf"])
def test_apple_marker_extensions_required(missing: str) -> None:
    ca = FakeAppleCA.create(intermediate_marker=missing != "intermediate", leaf_marker=missing != "leaf")
    with pytest.raises(ReceiptInvalid) as excinfo:
        make_verifier(ca).verify_transaction(ca.sign(transaction_payload()))
    assert reason_of(excinfo) == "signature or certificate chain invalid"


@pytest.mark.parametrize("alg", ["HS256", "RS256", "none"])
def test_wrong_algorithm(ca: FakeAppleCA, alg: str) -> None:
    signed = ca.sign(transaction_payload(), header={"alg": alg})
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(signed)


@pytest.mark.parametrize(
    "x5c",
    [None, [], "slice-2", "leaf-only-repeated"],
)
def test_bad_x5c(ca: FakeAppleCA, x5c: object) -> None:
    if x5c == "slice-2":
        x5c = ca.x5c[:2]
    elif x5c == "leaf-only-repeated":
        x5c = [ca.x5c[0]] * 3
    header = {"x5c": x5c} if x5c is not None else {"x5c": None}
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(ca.sign(transaction_payload(), header=header))


def test_signed_date_outside_certificate_validity(ca: FakeAppleCA) -> None:
    # Offline mode evaluates the chain at signedDate: a date before the certs existed must fail.
    long_ago = int((datetime.now(UTC) - timedelta(days=30)).timestamp() * 1000)
    signed = ca.sign(transaction_payload(signedDate=long_ago, purchaseDate=long_ago))
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(signed)


# --- business rules --------------------------------------------------------------------------------


def test_revoked_transaction_rejected(ca: FakeAppleCA) -> None:
    signed = ca.sign(transaction_payload(revocationDate=now_ms(), revocationReason=0))
    with pytest.raises(ReceiptInvalid) as excinfo:
        make_verifier(ca).verify_transaction(signed)
    assert reason_of(excinfo) == "transaction revoked"


@pytest.mark.parametrize("field", ["transactionId", "productId", "purchaseDate"])
def test_missing_required_fields(ca: FakeAppleCA, field: str) -> None:
    signed = ca.sign(transaction_payload(**{field: None}))
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(signed)


@pytest.mark.parametrize(
    "garbage",
    ["", "abc", "a.b.c", "...", "eyJhbGciOiJFUzI1NiJ9.e30.", "x" * 70_000, "\u00e9.\u00e9.\u00e9"],
)
def test_garbage_input(ca: FakeAppleCA, garbage: str) -> None:
    verifier = make_verifier(ca, allow_sandbox=True)
    with pytest.raises(ReceiptInvalid):
        verifier.verify_transaction(garbage)
    with pytest.raises(ReceiptInvalid):
        verifier.verify_notification(garbage)


def test_non_string_input(ca: FakeAppleCA) -> None:
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_transaction(None)  # type: ignore[arg-type]


# --- notifications ---------------------------------------------------------------------------------


def test_refund_notification_verified_and_parsed(ca: FakeAppleCA) -> None:
    refunded_ms = now_ms() - 1_000
    transaction = ca.sign(
        transaction_payload(transactionId="2000000777", revocationDate=refunded_ms, revocationReason=0)
    )
    body = notification_payload(notification_type="REFUND", signed_transaction=transaction)

    note = make_verifier(ca).verify_notification(ca.sign(body))

    assert isinstance(note, AppleNotification)
    assert note.notification_type == "REFUND"
    assert note.subtype is None
    assert note.notification_uuid == body["notificationUUID"]
    assert note.environment == "production"
    assert note.transaction is not None
    assert note.transaction.transaction_id == "2000000777"
    assert note.transaction.revoked_at == datetime.fromtimestamp(refunded_ms / 1000, tz=UTC)
    assert note.raw["data"]["bundleId"] == BUNDLE_ID


def test_notification_with_subtype_and_no_transaction(ca: FakeAppleCA) -> None:
    body = notification_payload(notification_type="TEST", signed_transaction=None)
    note = make_verifier(ca).verify_notification(ca.sign(body))
    assert note.notification_type == "TEST"
    assert note.transaction is None

    body = notification_payload(
        notification_type="ONE_TIME_CHARGE", signed_transaction=ca.sign(transaction_payload()), subtype=None
    )
    assert make_verifier(ca).verify_notification(ca.sign(body)).transaction.revoked_at is None  # type: ignore[union-attr]


def test_notification_wrong_app_apple_id(ca: FakeAppleCA) -> None:
    body = notification_payload(
        notification_type="REFUND", signed_transaction=ca.sign(transaction_payload()), app_apple_id=42
    )
    with pytest.raises(ReceiptInvalid) as excinfo:
        make_verifier(ca).verify_notification(ca.sign(body))
    assert reason_of(excinfo) == "bundle id or app id mismatch"


def test_notification_untrusted_signer(ca: FakeAppleCA, other_ca: FakeAppleCA) -> None:
    body = notification_payload(notification_type="REFUND", signed_transaction=ca.sign(transaction_payload()))
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_notification(other_ca.sign(body))


def test_notification_with_forged_inner_transaction(ca: FakeAppleCA, other_ca: FakeAppleCA) -> None:
    body = notification_payload(notification_type="REFUND", signed_transaction=other_ca.sign(transaction_payload()))
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_notification(ca.sign(body))


def test_notification_inner_transaction_other_bundle(ca: FakeAppleCA) -> None:
    inner = ca.sign(transaction_payload(bundleId="com.other.app"))
    body = notification_payload(notification_type="REFUND", signed_transaction=inner)
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_notification(ca.sign(body))


def test_sandbox_notification(ca: FakeAppleCA) -> None:
    inner = ca.sign(transaction_payload(environment="Sandbox", revocationDate=now_ms()))
    body = notification_payload(
        notification_type="REVOKE", signed_transaction=inner, environment="Sandbox", subtype=None
    )
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_notification(ca.sign(body))
    note = make_verifier(ca, allow_sandbox=True).verify_notification(ca.sign(body))
    assert note.environment == "sandbox"
    assert note.transaction is not None and note.transaction.is_sandbox


def test_notification_tampered(ca: FakeAppleCA) -> None:
    body = notification_payload(notification_type="TEST", signed_transaction=None)
    header, _payload, signature = ca.sign(body).split(".")
    forged = b64url(json.dumps({**body, "notificationType": "REFUND"}).encode())
    with pytest.raises(ReceiptInvalid):
        make_verifier(ca).verify_notification(f"{header}.{forged}.{signature}")


# --- construction / settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"environment": "xcode"},
        {"environment": "Production"},
        {"app_apple_id": None},
        {"root_certificates": []},
        {"root_certificates": [b"not a certificate"]},
        {"bundle_id": ""},
    ],
)
def test_invalid_configuration(ca: FakeAppleCA, overrides: dict) -> None:
    with pytest.raises(ValueError):
        make_verifier(ca, **overrides)


def test_from_settings(ca: FakeAppleCA, settings, tmp_path) -> None:
    der, pem = tmp_path / "root.cer", tmp_path / "root.pem"
    der.write_bytes(ca.root_der)
    pem.write_bytes(ca.root_pem)
    settings.APPLE_ROOT_CERTIFICATES = [str(der), str(pem)]
    settings.APPLE_BUNDLE_ID = BUNDLE_ID
    settings.APPLE_APP_ID = str(APP_APPLE_ID)
    settings.APPLE_ENVIRONMENT = "production"
    settings.APPLE_ALLOW_SANDBOX = True

    verifier = apple_verifier_from_settings()

    assert verifier.accepted_environments == ("production", "sandbox")
    assert verifier.verify_transaction(ca.sign(transaction_payload(environment="Sandbox"))).is_sandbox


def test_from_settings_misconfigured(ca: FakeAppleCA, settings, tmp_path) -> None:
    settings.APPLE_ROOT_CERTIFICATES = []
    settings.APPLE_BUNDLE_ID = BUNDLE_ID
    settings.APPLE_APP_ID = APP_APPLE_ID
    with pytest.raises(ImproperlyConfigured):
        apple_verifier_from_settings()

    settings.APPLE_ROOT_CERTIFICATES = [str(tmp_path / "missing.cer")]
    with pytest.raises(ImproperlyConfigured):
        apple_verifier_from_settings()

    (tmp_path / "root.cer").write_bytes(ca.root_der)
    settings.APPLE_ROOT_CERTIFICATES = [str(tmp_path / "root.cer")]
    settings.APPLE_APP_ID = None
    with pytest.raises(ImproperlyConfigured):
        apple_verifier_from_settings()

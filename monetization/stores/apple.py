"""App Store (StoreKit 2) verification: signed transactions and Server Notifications V2.

All cryptography is delegated to Apple's ``app-store-server-library`` ``SignedDataVerifier``, which
checks that the JWS is ES256, that its ``x5c`` leaf+intermediate chain up to one of *our* configured
root certificates (the ``x5c`` root itself is ignored), that the leaf/intermediate carry Apple's
marker extensions (1.2.840.113635.100.6.11.1 / 1.2.840.113635.100.6.2.1), and that bundle id,
environment (and app Apple id for notifications) match. Online OCSP checks are disabled: the chain is
then evaluated at the payload's ``signedDate`` instead of "now", which is Apple's documented offline mode.

A ``SignedDataVerifier`` accepts exactly one environment, so a production server that must also take
App Review / TestFlight (Sandbox) purchases holds two verifiers and picks one by the (unverified)
``environment`` claim; the chosen verifier then re-checks that claim after the signature is verified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import jwt
from appstoreserverlibrary.models.Environment import Environment
from appstoreserverlibrary.signed_data_verifier import (
    SignedDataVerifier,
    VerificationException,
    VerificationStatus,
)
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from monetization.stores.base import (
    ENV_PRODUCTION,
    ENV_SANDBOX,
    STORE_APPLE,
    PurchasePending,
    ReceiptInvalid,
    StoreUnavailable,
    VerifiedPurchase,
    datetime_from_millis,
)

__all__ = [
    "AppleNotification",
    "AppleVerifier",
    "PurchasePending",
    "ReceiptInvalid",
    "StoreUnavailable",
    "VerifiedPurchase",
    "apple_verifier_from_settings",
    "load_certificates",
]

# Apple's spelling of the environment claim -> ours. Xcode / LocalTesting are deliberately absent:
# the library skips signature verification for them, so they must never be accepted by a server.
_APPLE_ENVIRONMENTS = {"Production": ENV_PRODUCTION, "Sandbox": ENV_SANDBOX}
_LIBRARY_ENVIRONMENTS = {ENV_PRODUCTION: Environment.PRODUCTION, ENV_SANDBOX: Environment.SANDBOX}

_STATUS_REASONS = {
    VerificationStatus.VERIFICATION_FAILURE: "signature or certificate chain invalid",
    VerificationStatus.INVALID_APP_IDENTIFIER: "bundle id or app id mismatch",
    VerificationStatus.INVALID_CERTIFICATE: "invalid certificate",
    VerificationStatus.INVALID_CHAIN_LENGTH: "invalid certificate chain",
    VerificationStatus.INVALID_CHAIN: "invalid certificate chain",
    VerificationStatus.INVALID_ENVIRONMENT: "wrong environment",
}


@dataclass(frozen=True)
class AppleNotification:
    """A verified App Store Server Notification V2 (REFUND, REVOKE, CONSUMPTION_REQUEST, TEST, ...).

    ``transaction`` is the verified ``signedTransactionInfo`` when present; for REFUND/REVOKE it is the
    refunded transaction and has ``revoked_at`` set (it is *not* rejected, unlike ``verify_transaction``).
    """

    notification_uuid: str
    notification_type: str
    subtype: str | None
    transaction: VerifiedPurchase | None
    environment: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def load_certificates(sources: Iterable[bytes]) -> list[bytes]:
    """Normalise DER or PEM (possibly multi-cert) blobs to DER, which is all the library accepts."""
    ders: list[bytes] = []
    for blob in sources:
        if b"-----BEGIN" in blob:
            try:
                certs = x509.load_pem_x509_certificates(blob)
            except ValueError as exc:
                raise ValueError("unreadable PEM root certificate") from exc
            ders.extend(cert.public_bytes(Encoding.DER) for cert in certs)
        else:
            try:
                x509.load_der_x509_certificate(blob)
            except ValueError as exc:
                raise ValueError("unreadable DER root certificate") from exc
            ders.append(blob)
    return ders


def _unverified_claims(signed: str) -> dict[str, Any]:
    """Peek at the payload only to choose a verifier; nothing read here is trusted."""
    if not isinstance(signed, str) or signed.count(".") != 2 or len(signed) > 64_000:
        raise ReceiptInvalid("malformed signed data")
    try:
        claims = jwt.decode(signed, options={"verify_signature": False})
    except Exception as exc:
        raise ReceiptInvalid("malformed signed data") from exc
    if not isinstance(claims, dict):
        raise ReceiptInvalid("malformed signed data")
    return claims


def _raise_for(exc: VerificationException) -> NoReturn:
    if exc.status == VerificationStatus.RETRYABLE_VERIFICATION_FAILURE:
        raise StoreUnavailable("apple certificate status check unavailable") from exc
    raise ReceiptInvalid(_STATUS_REASONS.get(exc.status, "verification failed")) from exc


class AppleVerifier:
    """Verifies StoreKit 2 JWS data for one app (bundle id) against pinned Apple root certificates."""

    def __init__(
        self,
        *,
        root_certificates: list[bytes],
        bundle_id: str,
        app_apple_id: int | None,
        environment: str,
        allow_sandbox: bool,
    ) -> None:
        if environment not in _LIBRARY_ENVIRONMENTS:
            raise ValueError("environment must be 'production' or 'sandbox'")
        if not root_certificates:
            raise ValueError("at least one root certificate is required")
        if not bundle_id:
            raise ValueError("bundle_id is required")
        if environment == ENV_PRODUCTION and app_apple_id is None:
            raise ValueError("app_apple_id is required in production")
        roots = load_certificates(root_certificates)
        self.bundle_id = bundle_id
        self.environment = environment
        accepted = [environment]
        if environment == ENV_PRODUCTION and allow_sandbox:
            accepted.append(ENV_SANDBOX)
        self._verifiers: dict[str, SignedDataVerifier] = {
            env: SignedDataVerifier(
                root_certificates=roots,
                enable_online_checks=False,
                environment=_LIBRARY_ENVIRONMENTS[env],
                bundle_id=bundle_id,
                app_apple_id=app_apple_id,
            )
            for env in accepted
        }

    @property
    def accepted_environments(self) -> tuple[str, ...]:
        """Environments this verifier will accept, for diagnostics."""
        return tuple(self._verifiers)

    def _verifier_for(self, apple_environment: Any) -> tuple[str, SignedDataVerifier]:
        env = _APPLE_ENVIRONMENTS.get(apple_environment) if isinstance(apple_environment, str) else None
        verifier = self._verifiers.get(env) if env else None
        if env is None or verifier is None:
            raise ReceiptInvalid("wrong environment")
        return env, verifier

    def verify_transaction(self, signed: str) -> VerifiedPurchase:
        """Verify a client-sent ``jwsRepresentation``; revoked (refunded) transactions are rejected."""
        claims = _unverified_claims(signed)
        env, verifier = self._verifier_for(claims.get("environment"))
        purchase = self._verify_transaction_with(verifier, env, signed)
        if purchase.revoked_at is not None:
            raise ReceiptInvalid("transaction revoked")
        return purchase

    def verify_notification(self, signed_payload: str) -> AppleNotification:
        """Verify an App Store Server Notification V2 ``signedPayload`` and its embedded transaction.

        Sandbox notifications on a production verifier without ``allow_sandbox`` raise ReceiptInvalid;
        configure Apple's separate sandbox notification URL instead.
        """
        claims = _unverified_claims(signed_payload)
        section = claims.get("data") or claims.get("summary") or claims.get("appData") or {}
        if not isinstance(section, dict):
            raise ReceiptInvalid("malformed notification")
        env, verifier = self._verifier_for(section.get("environment"))
        try:
            decoded = verifier.verify_and_decode_notification(signed_payload)
        except VerificationException as exc:
            _raise_for(exc)
        except Exception as exc:
            raise ReceiptInvalid("malformed notification") from exc

        transaction = None
        signed_transaction = decoded.data.signedTransactionInfo if decoded.data else None
        if signed_transaction:
            transaction = self._verify_transaction_with(verifier, env, signed_transaction)
        if not decoded.notificationUUID or not decoded.rawNotificationType:
            raise ReceiptInvalid("malformed notification")
        raw = jwt.decode(signed_payload, options={"verify_signature": False})
        return AppleNotification(
            notification_uuid=decoded.notificationUUID,
            notification_type=decoded.rawNotificationType,
            subtype=decoded.rawSubtype,
            transaction=transaction,
            environment=env,
            raw=raw,
        )

    def _verify_transaction_with(self, verifier: SignedDataVerifier, env: str, signed: str) -> VerifiedPurchase:
        try:
            decoded = verifier.verify_and_decode_signed_transaction(signed)
        except VerificationException as exc:
            _raise_for(exc)
        except Exception as exc:  # cattrs/type errors on a (signed) but unexpected payload
            raise ReceiptInvalid("malformed transaction") from exc
        if not decoded.transactionId or not decoded.productId or decoded.purchaseDate is None:
            raise ReceiptInvalid("malformed transaction")
        quantity = decoded.quantity if decoded.quantity is not None else 1
        if quantity < 1:
            raise ReceiptInvalid("malformed transaction")
        # The token was verified just above, so its payload is now trustworthy as a plain dict.
        raw = jwt.decode(signed, options={"verify_signature": False})
        return VerifiedPurchase(
            store=STORE_APPLE,
            transaction_id=str(decoded.transactionId),
            original_transaction_id=decoded.originalTransactionId,
            product_id=decoded.productId,
            purchased_at=datetime_from_millis(decoded.purchaseDate),
            environment=env,  # type: ignore[arg-type]
            quantity=quantity,
            raw=raw,
            revoked_at=datetime_from_millis(decoded.revocationDate) if decoded.revocationDate is not None else None,
        )


def apple_verifier_from_settings() -> AppleVerifier:
    """Build the verifier from Django settings; raises ImproperlyConfigured rather than failing per request.

    Settings: APPLE_ROOT_CERTIFICATES (list of DER/PEM file paths, e.g. AppleRootCA-G3.cer),
    APPLE_BUNDLE_ID, APPLE_APP_ID (int, required in production), APPLE_ENVIRONMENT ("production"),
    APPLE_ALLOW_SANDBOX (False). Cheap enough to call at startup; callers should keep the instance.
    """
    paths = list(getattr(settings, "APPLE_ROOT_CERTIFICATES", []) or [])
    bundle_id = getattr(settings, "APPLE_BUNDLE_ID", "") or ""
    app_id = getattr(settings, "APPLE_APP_ID", None)
    environment = str(getattr(settings, "APPLE_ENVIRONMENT", ENV_PRODUCTION) or ENV_PRODUCTION).lower()
    allow_sandbox = bool(getattr(settings, "APPLE_ALLOW_SANDBOX", False))
    if not paths:
        raise ImproperlyConfigured("APPLE_ROOT_CERTIFICATES must list at least one Apple root certificate file")
    blobs = []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                blobs.append(fh.read())
        except OSError as exc:
            raise ImproperlyConfigured(f"cannot read Apple root certificate {path}") from exc
    try:
        return AppleVerifier(
            root_certificates=blobs,
            bundle_id=bundle_id,
            app_apple_id=int(app_id) if app_id not in (None, "") else None,
            environment=environment,
            allow_sandbox=allow_sandbox,
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"Apple store settings: {exc}") from exc

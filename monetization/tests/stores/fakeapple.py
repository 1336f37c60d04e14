"""A throw-away "Apple" PKI and JWS signer so tests exercise the real SignedDataVerifier offline.

Mirrors Apple's layout: ECDSA P-256 root -> intermediate (marker extension 1.2.840.113635.100.6.2.1)
-> leaf (marker extension 1.2.840.113635.100.6.11.1); JWS is ES256 with ``x5c`` = [leaf, intermediate,
root] as base64 DER. Certificates are strict-RFC5280 shaped because the library verifies with
OpenSSL's X509_STRICT flag.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

APPLE_INTERMEDIATE_OID = x509.ObjectIdentifier("1.2.840.113635.100.6.2.1")
APPLE_LEAF_OID = x509.ObjectIdentifier("1.2.840.113635.100.6.11.1")
_ASN1_NULL = b"\x05\x00"

BUNDLE_ID = "com.baolife.game"
APP_APPLE_ID = 1234567890


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Fake Apple Inc."),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )


def _cert(
    *,
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
    ca: bool,
    path_length: int | None,
    marker: x509.ObjectIdentifier | None,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    authority_key = issuer_key.public_key()
    builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key), critical=False)
    if marker is not None:
        builder = builder.add_extension(x509.UnrecognizedExtension(marker, _ASN1_NULL), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class FakeAppleCA:
    """Root, intermediate and leaf keys/certs plus helpers to sign StoreKit-shaped JWS."""

    root_key: ec.EllipticCurvePrivateKey
    root_cert: x509.Certificate
    intermediate_key: ec.EllipticCurvePrivateKey
    intermediate_cert: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey
    leaf_cert: x509.Certificate

    @classmethod
    def create(
        cls,
        *,
        root_name: str = "Fake Apple Root CA - G3",
        intermediate_marker: bool = True,
        leaf_marker: bool = True,
        valid_from: datetime | None = None,
        valid_days: int = 365,
    ) -> FakeAppleCA:
        start = valid_from or (datetime.now(UTC) - timedelta(days=1))
        end = start + timedelta(days=valid_days)
        root_key = ec.generate_private_key(ec.SECP256R1())
        root = _cert(
            subject=root_name,
            key=root_key,
            issuer=None,
            issuer_key=root_key,
            ca=True,
            path_length=None,
            marker=None,
            not_before=start,
            not_after=end + timedelta(days=365),
        )
        inter_key = ec.generate_private_key(ec.SECP256R1())
        inter = _cert(
            subject="Fake Apple Worldwide Developer Relations CA - G6",
            key=inter_key,
            issuer=root,
            issuer_key=root_key,
            ca=True,
            path_length=0,
            marker=APPLE_INTERMEDIATE_OID if intermediate_marker else None,
            not_before=start,
            not_after=end,
        )
        leaf_key = ec.generate_private_key(ec.SECP256R1())
        leaf = _cert(
            subject="Fake Prod ECC Mac App Store and iTunes Store Receipt Signing",
            key=leaf_key,
            issuer=inter,
            issuer_key=inter_key,
            ca=False,
            path_length=None,
            marker=APPLE_LEAF_OID if leaf_marker else None,
            not_before=start,
            not_after=end,
        )
        return cls(root_key, root, inter_key, inter, leaf_key, leaf)

    @property
    def root_der(self) -> bytes:
        return self.root_cert.public_bytes(Encoding.DER)

    @property
    def root_pem(self) -> bytes:
        return self.root_cert.public_bytes(Encoding.PEM)

    @property
    def x5c(self) -> list[str]:
        return [
            base64.b64encode(c.public_bytes(Encoding.DER)).decode()
            for c in (self.leaf_cert, self.intermediate_cert, self.root_cert)
        ]

    def sign(self, payload: dict[str, Any], *, header: dict[str, Any] | None = None) -> str:
        """ES256 JWS exactly as the App Store emits it (raw r||s signature, x5c header)."""
        head = {"alg": "ES256", "x5c": self.x5c}
        if header:
            head.update(header)
        signing_input = f"{b64url(json.dumps(head).encode())}.{b64url(json.dumps(payload).encode())}".encode()
        alg = head["alg"]
        if alg == "ES256":
            r, s = decode_dss_signature(self.leaf_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        elif alg == "HS256":
            # The "key confusion" attack: HMAC keyed with the public leaf certificate.
            signature = hmac.new(self.leaf_cert.public_bytes(Encoding.PEM), signing_input, hashlib.sha256).digest()
        elif alg == "RS256":
            rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            signature = rsa_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "none":
            signature = b""
        else:
            raise ValueError(alg)
        return f"{signing_input.decode()}.{b64url(signature)}"


def now_ms() -> int:
    return int(time.time() * 1000)


def transaction_payload(**overrides: Any) -> dict[str, Any]:
    """A consumable diamond-pack transaction shaped like Apple's JWSTransactionDecodedPayload."""
    now = now_ms()
    payload: dict[str, Any] = {
        "transactionId": "2000000123456789",
        "originalTransactionId": "2000000123456789",
        "bundleId": BUNDLE_ID,
        "productId": "com.baolife.game.diamonds.100",
        "purchaseDate": now - 5_000,
        "originalPurchaseDate": now - 5_000,
        "quantity": 1,
        "type": "Consumable",
        "inAppOwnershipType": "PURCHASED",
        "signedDate": now,
        "environment": "Production",
        "transactionReason": "PURCHASE",
        "storefront": "USA",
        "storefrontId": "143441",
        "price": 990,
        "currency": "USD",
        "appTransactionId": "704289572311614194",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def notification_payload(
    *,
    notification_type: str,
    signed_transaction: str | None,
    subtype: str | None = None,
    environment: str = "Production",
    bundle_id: str = BUNDLE_ID,
    app_apple_id: int | None = APP_APPLE_ID,
) -> dict[str, Any]:
    """An App Store Server Notifications V2 decoded payload (the ``signedPayload`` body)."""
    data: dict[str, Any] = {"bundleId": bundle_id, "bundleVersion": "42", "environment": environment}
    if app_apple_id is not None:
        data["appAppleId"] = app_apple_id
    if signed_transaction is not None:
        data["signedTransactionInfo"] = signed_transaction
    payload: dict[str, Any] = {
        "notificationType": notification_type,
        "notificationUUID": str(uuid.uuid4()),
        "data": data,
        "version": "2.0",
        "signedDate": now_ms(),
    }
    if subtype:
        payload["subtype"] = subtype
    return payload

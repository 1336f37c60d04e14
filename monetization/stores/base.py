"""Store-neutral result and error types shared by the Apple and Google verifiers.

Callers grant diamonds from a ``VerifiedPurchase`` and treat the exception classes differently:
``ReceiptInvalid`` means "never grant for this receipt", ``PurchasePending`` means "not yet, ask again
later", and ``StoreUnavailable`` means "we could not ask the store; retry, do not blame the player".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

STORE_APPLE: Final = "apple"
STORE_GOOGLE: Final = "google"
ENV_PRODUCTION: Final = "production"
ENV_SANDBOX: Final = "sandbox"

Store = Literal["apple", "google"]
StoreEnvironment = Literal["production", "sandbox"]


@dataclass(frozen=True)
class VerifiedPurchase:
    """A purchase whose authenticity was checked against the store; safe to grant from.

    ``environment == "sandbox"`` purchases are genuine but carry no revenue (App Review, TestFlight,
    Play license testers): callers should grant but flag them. ``revoked_at`` is only ever set on
    transactions carried by a refund/revoke notification — ``verify_transaction`` rejects revoked ones.
    """

    store: Store
    transaction_id: str
    original_transaction_id: str | None
    product_id: str
    purchased_at: datetime
    environment: StoreEnvironment
    quantity: int
    raw: dict[str, Any] = field(repr=False, compare=False)
    revoked_at: datetime | None = None

    @property
    def is_sandbox(self) -> bool:
        """True when the purchase must not be counted as revenue."""
        return self.environment == ENV_SANDBOX


class ReceiptInvalid(Exception):
    """The receipt is not a valid, grantable purchase; ``reason`` is short and safe to log/return."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PurchasePending(ReceiptInvalid):
    """The purchase exists but is not paid yet (e.g. Play 'pending' cash payment): retry later, don't grant."""


class StoreUnavailable(Exception):
    """The store could not be asked (network, 5xx, auth/config); retryable and not the player's fault."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def datetime_from_millis(value: Any) -> datetime:
    """Stores send epoch milliseconds (Apple as int, Google as str); convert to aware UTC."""
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)

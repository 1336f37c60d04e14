"""Store-receipt verification (App Store, Google Play) for diamond purchases.

Only the store-neutral types are re-exported here so importing the package stays cheap;
import ``monetization.stores.apple`` / ``monetization.stores.google`` for the verifiers.
"""

from monetization.stores.base import PurchasePending, ReceiptInvalid, StoreUnavailable, VerifiedPurchase

__all__ = ["PurchasePending", "ReceiptInvalid", "StoreUnavailable", "VerifiedPurchase"]

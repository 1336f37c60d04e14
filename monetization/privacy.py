"""What the GDPR export and erasure do with the economy's tables (core/privacy.py; compliance runs them).

Purchases and the ledger are kept after an erasure for the accounts and tax law, cut from the person: the
account's id goes, a random key per erasure (`erased_account`) keeps the rows of one former account together.
"""

from django.db.models import Case, F, Value, When

from core.privacy import ERASED_KEY, Erasure, declare
from monetization.models import (
    CatalogEntry,
    DiamondTransaction,
    EnergyRefillPurchase,
    IdempotencyRecord,
    PlayerWallet,
    ProcessedTransaction,
    ReconciliationIssue,
    StoreNotification,
    TimeSkipPurchase,
)

STORE_REASONS = [DiamondTransaction.Reason.PURCHASE, DiamondTransaction.Reason.REFUND]
ACCOUNTING = (
    "Legal obligation (accounting and tax records of paid currency): kept FINANCIAL_RECORDS_RETENTION_YEARS "
    "years, de-linked from the person"
)

declare(
    DiamondTransaction,
    erasure=Erasure.RETAIN,
    export=True,
    owner="player_id",
    section="diamond_transactions",
    unlink={
        "player": None,
        "erased_account": ERASED_KEY,
        "note": "",
        "dedupe_key": None,  # some name the account (`welcome:<player id>`)
        # a store's transaction is the accounts' reference; the rest (a life, a quest) is the person's
        "reference": Case(When(reason__in=STORE_REASONS, then=F("reference")), default=Value("")),
    },
    reason=f"{ACCOUNTING}; notes, dedupe keys and references other than a store's transaction are cleared. "
    "The balance is forfeited first by one `erasure` movement, so the kept rows still add up.",
)
declare(
    ProcessedTransaction,
    erasure=Erasure.RETAIN,
    export=True,
    owner="player_id",
    section="store_purchases",
    unlink={"player": None, "erased_account": ERASED_KEY},
    reason=f"{ACCOUNTING}; a later store refund of an erased account is recorded without a wallet to debit.",
)
declare(
    PlayerWallet,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="wallet",
    reason="The balance and debt: emptied through the ledger, then deleted.",
)
declare(
    EnergyRefillPurchase,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="energy_refills",
    reason="What diamonds bought in the game: the ledger keeps the movement itself.",
)
declare(
    TimeSkipPurchase,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="time_skips",
    reason="What diamonds bought in the game (its summary tells the life): the ledger keeps the movement.",
)
declare(
    IdempotencyRecord,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="purchase_replies",
    hidden_fields=("key_hash", "params_hash"),
    reason="A purchase's first reply, kept 48 hours to answer a retry the same way.",
)
declare(
    ReconciliationIssue,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="balance_checks",
    reason="A balance that did not match its ledger (operators' record about the account).",
)
declare(
    StoreNotification,
    erasure=Erasure.RETAIN,
    export=False,
    reason="The stores' server notifications already handled (deduplication): no account, no personal data.",
)
declare(
    CatalogEntry,
    erasure=Erasure.RETAIN,
    export=False,
    reason="The diamond catalog (packs, prices): holds no personal data.",
)

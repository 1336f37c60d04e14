"""The diamond economy's records: the ledger (append-only), purchases, store receipts, idempotency."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Player
from core.models import ContentDocument


class DiamondTransaction(models.Model):
    """One movement of a player's diamonds. Rows are never updated or deleted, but for the erasure of an account
    (compliance), which cuts them from the person, and the end of their retention period.

    `amount` moves the balance; `debt_change` moves the debt a refund left behind (docs/economy.md).
    """

    class Reason(models.TextChoices):
        PURCHASE = "purchase", "store purchase"
        ENERGY_REFILL = "energy_refill", "energy refill"
        TIME_SKIP = "time_skip", "time skip"
        SKIP_UNUSED = "skip_unused", "unused part of a time skip given back"
        WELCOME = "welcome", "welcome gift of a new account"
        MILESTONE = "milestone", "milestone reward"
        ACHIEVEMENT = "achievement", "achievement reward"
        QUEST = "quest", "quest reward"
        DAILY_LOGIN = "daily_login", "daily login reward"
        TUTORIAL = "tutorial", "tutorial reward"
        REFUND = "refund", "store refund"
        DEBT_REPAYMENT = "debt_repayment", "debt repayment"
        OPERATOR_GRANT = "operator_grant", "operator grant"
        OPERATOR_REVOKE = "operator_revoke", "operator revoke"
        ERASURE = "erasure", "balance forfeited when the account was erased"

    # NULL once the account is erased: the row is kept for the accounts, de-linked (docs/privacy.md)
    player = models.ForeignKey(Player, null=True, on_delete=models.PROTECT, related_name="diamond_transactions")
    erased_account = models.CharField(max_length=32, blank=True)  # a random key per erasure: groups its rows
    amount = models.BigIntegerField()
    debt_change = models.BigIntegerField(default=0)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reference = models.CharField(max_length=200, blank=True)
    balance_after = models.BigIntegerField()
    debt_after = models.BigIntegerField(default=0)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "diamond_transactions"
        indexes = [models.Index(fields=["player", "-id"])]
        constraints = [
            models.UniqueConstraint(fields=["player", "dedupe_key"], name="diamond_tx_once_per_key"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="diamond_tx_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount:+d} 💎 {self.reason} (player {self.player_id})"


class PlayerWallet(models.Model):
    """A player's diamonds: the balance, and the debt refunds of spent diamonds left (repaid from
    future earnings). Written only by monetization/services/ledger.py, beside a ledger row."""

    player = models.OneToOneField(Player, on_delete=models.CASCADE, primary_key=True, related_name="wallet")
    diamonds = models.BigIntegerField(default=0)
    debt = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(debt__gte=0), name="wallet_debt_not_negative"),
            models.CheckConstraint(condition=Q(diamonds__gte=0), name="wallet_diamonds_not_negative"),
        ]

    def __str__(self) -> str:
        return f"wallet of player {self.player_id}: {self.diamonds} 💎 (debt {self.debt})"


class EnergyRefillPurchase(models.Model):
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="energy_refills")
    refill_type = models.CharField(max_length=20)
    price = models.PositiveIntegerField()
    energy_before = models.FloatField()
    energy_after = models.FloatField()
    unlimited_energy_until = models.DateTimeField(null=True, blank=True)
    transaction = models.OneToOneField(DiamondTransaction, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "energy_refill_purchases"

    def __str__(self) -> str:
        return f"{self.refill_type} refill by player {self.player_id}"


class TimeSkipPurchase(models.Model):
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="time_skips")
    skip_type = models.CharField(max_length=20)
    price = models.PositiveIntegerField()
    skipped_seconds = models.BigIntegerField()
    summary = models.JSONField()
    transaction = models.OneToOneField(DiamondTransaction, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "time_skip_purchases"

    def __str__(self) -> str:
        return f"{self.skip_type} skip by player {self.player_id}"


class IdempotencyRecord(models.Model):
    """A purchase's first reply, found again by SHA-256(player, client key); kept at least 24 h."""

    key_hash = models.CharField(max_length=64, unique=True)
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=40)
    params_hash = models.CharField(max_length=64)
    reply = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.verb} by player {self.player_id}"


class ProcessedTransaction(models.Model):
    """A store transaction that granted diamonds: unique per (store, transaction id), so it grants once."""

    store = models.CharField(max_length=10)
    transaction_id = models.CharField(max_length=200)
    original_transaction_id = models.CharField(max_length=200, blank=True)
    purchase_token = models.CharField(max_length=500, blank=True)
    player = models.ForeignKey(Player, null=True, on_delete=models.PROTECT, related_name="store_purchases")
    erased_account = models.CharField(max_length=32, blank=True)  # the erasure's key (docs/privacy.md)
    product_id = models.CharField(max_length=200)
    diamonds = models.PositiveIntegerField()
    price_cents = models.PositiveIntegerField(default=0)
    environment = models.CharField(max_length=12)
    counts_as_revenue = models.BooleanField(default=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    grant = models.OneToOneField(DiamondTransaction, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "processed_transactions"
        constraints = [models.UniqueConstraint(fields=["store", "transaction_id"], name="store_tx_once")]

    def __str__(self) -> str:
        return f"{self.store}:{self.transaction_id}"


class StoreNotification(models.Model):
    """A store server notification already handled (deduplicated by its UUID)."""

    notification_uuid = models.CharField(max_length=100, unique=True)
    store = models.CharField(max_length=10)
    notification_type = models.CharField(max_length=60)
    transaction_id = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.store} {self.notification_type} {self.notification_uuid}"


class ReconciliationIssue(models.Model):
    """A balance that does not equal the sum of its ledger, found by the nightly reconciliation."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="+")
    balance = models.BigIntegerField()
    ledger_sum = models.BigIntegerField()
    debt = models.BigIntegerField(default=0)
    ledger_debt = models.BigIntegerField(default=0)
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"player {self.player_id}: {self.balance} vs ledger {self.ledger_sum}"


class CatalogEntry(ContentDocument):
    """One entry of the diamond catalog (a pack, a refill or skip kind and its price, a milestone reward,
    a purchase limit), loaded from monetization/content/catalog.yaml; operators edit prices in the admin
    without a deploy, each edit validated as part of the whole catalog (monetization/catalog.py)."""

    class Meta(ContentDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="catalog_unique_key")]
        verbose_name_plural = "catalog entries"

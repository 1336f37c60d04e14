"""The GDPR's records: each deletion's audit trail, the tombstones of erased accounts, the prepared exports."""

import uuid

from django.db import models

from accounts.models import Player


class DeletionLog(models.Model):
    """One account's deletion, from its request to its completion: what was erased (counts per model), when,
    why, and a receipt id to quote to the person. It names the account only while the deletion is pending or
    running (to resume it); once done or cancelled it holds no personal data."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for the end of the grace period"
        CANCELLED = "cancelled", "cancelled by the player"
        RUNNING = "running", "being erased"
        DONE = "done", "erased"

    class Reason(models.TextChoices):
        PLAYER = "player_request", "the player asked in the game"
        OPERATOR = "operator_request", "an operator, for a verified request"
        RESTORED = "restored_backup", "erased again after a backup was restored"

    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    player = models.ForeignKey(Player, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.PLAYER)
    requested_at = models.DateTimeField()
    grace_ends_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # "app.Model" -> {"deleted": n} or {"unlinked": n}
    # the random key the kept financial rows carry while the erasure runs (a resumed run uses the same)
    erasure_key = models.CharField(max_length=32, blank=True)

    class Meta:
        db_table = "deletion_log"
        # one open deletion per account: the account's row lock (MariaDB has no partial unique index)
        indexes = [models.Index(fields=["status", "grace_ends_at"])]

    def __str__(self) -> str:
        return f"deletion {self.receipt_id} ({self.status})"


class Tombstone(models.Model):
    """A keyed hash of an erased account (its id and creation time): a restored backup brings the account back,
    and `hard_delete_accounts --tombstones` recognises and erases it again. Nothing else of the person."""

    digest = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField()

    class Meta:
        db_table = "erasure_tombstones"

    def __str__(self) -> str:
        return f"tombstone {self.digest[:12]}…"


class DataExport(models.Model):
    """A player's data as prepared for download (gzip-compressed JSON), until its link expires."""

    class Status(models.TextChoices):
        PREPARING = "preparing"
        READY = "ready"
        FAILED = "failed"
        EXPIRED = "expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    requested_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)  # of the JSON, uncompressed

    class Meta:
        db_table = "data_exports"
        indexes = [models.Index(fields=["player", "-requested_at"]), models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"export {self.public_id} of player {self.player_id} ({self.status})"

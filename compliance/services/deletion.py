"""Account deletion: asked for (soft: signed out everywhere, hidden, its life paused), cancellable for
DELETION_GRACE_DAYS, then erased for good by the daily job (docs/privacy.md).

The erasure follows the apps' declarations (core/privacy.py): rows deleted, or kept and cut from the person, model
by model, each batch its own short REPEATABLE READ transaction that also adds its counts to the deletion's log.
Killed midway, a re-run picks up where it stopped (what is gone is not found again; the same random key marks
the kept rows); the account itself goes last, with the tombstone, in one transaction.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Player
from accounts.services import grace
from compliance.models import DeletionLog, Tombstone
from compliance.services import datamap
from core.errors import GameError
from core.isolation import repeatable_read
from core.privacy import ERASED_KEY, FINAL, FIRST, NORMAL, DataPolicy, Erasure, Subject
from core.pushes import close_player_sockets
from core.reporting import report_exception
from game.services import life
from monetization.services import ledger


@dataclass(frozen=True)
class Requested:
    receipt_id: str
    requested_at: datetime
    permanent_deletion_at: datetime


def request(
    *, player_id: int, reason: str = "", by: str = DeletionLog.Reason.PLAYER, now: datetime | None = None
) -> Requested:
    """Soft-delete now: every sign-in ends (tokens revoked, sockets closed with 4003 on every process), the
    account is hidden from others and its life paused; erased for good at the end of the grace period."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            held = grace.begin(player_id=player_id, reason=reason, now=now)  # locks the player; conflict if pending
        except GameError as exc:  # asked twice (a lost reply): the same receipt again
            pending = DeletionLog.objects.filter(player_id=player_id).exclude(status=DeletionLog.Status.CANCELLED)
            receipt = pending.values_list("receipt_id", flat=True).first()
            raise GameError(exc.code, exc.message, **exc.extra, receipt_id=str(receipt) if receipt else None) from exc
        life.pause(player_id=player_id, now=now)
        log = DeletionLog.objects.create(
            player_id=player_id, reason=by, requested_at=now, grace_ends_at=held.permanent_deletion_at
        )
    return Requested(str(log.receipt_id), held.requested_at, held.permanent_deletion_at)


def cancel(*, player_id: int, now: datetime | None = None) -> None:
    """Cancel a pending deletion: the account is as it was (its life resumes where it stopped)."""
    now = now or timezone.now()
    with transaction.atomic():
        player = Player.objects.select_for_update().get(pk=player_id)
        if player.deletion_requested_at is None:
            raise GameError("conflict", "No deletion of this account is pending.")
        if DeletionLog.objects.filter(player_id=player_id, status=DeletionLog.Status.RUNNING).exists():
            raise GameError("conflict", "This account is being erased; it can no longer be restored.")
        grace.end(player_id=player_id)
        DeletionLog.objects.filter(player_id=player_id, status=DeletionLog.Status.PENDING).update(
            status=DeletionLog.Status.CANCELLED, cancelled_at=now, player=None
        )
    life.arrive(player_id=player_id, now=now)  # the paused clock restarts from here


def tombstone_digest(player_id: int, created_at: datetime) -> str:
    """A keyed hash of the account (its id and creation time): recognises it in a restored backup, names nothing."""
    message = f"player:{player_id}:{created_at.astimezone(UTC).isoformat()}".encode()
    return hmac.new(settings.TOMBSTONE_KEY.encode(), message, hashlib.sha256).hexdigest()


def due(*, now: datetime | None = None) -> list[int]:
    """Accounts whose grace period is over, longest waiting first."""
    now = now or timezone.now()
    return list(
        Player.objects.filter(deletion_requested_at__isnull=False, permanent_deletion_at__lte=now)
        .order_by("permanent_deletion_at", "pk")
        .values_list("pk", flat=True)
    )  # a forced erasure killed midway is among them: it moved its account's deletion time to its start


def run_due(*, now: datetime | None = None) -> dict[str, Any]:
    """The daily job: erase every account whose grace is over (each on its own; one failing stops none other)."""
    erased, failed = [], 0
    for player_id in due(now=now):
        try:
            erased.append(erase(player_id=player_id, now=now))
        except Player.DoesNotExist:
            continue  # erased meanwhile by another run
        except GameError:
            continue  # cancelled since `due` read it
        except Exception as exc:  # reported; its log stays `running` and the next run resumes it
            report_exception(exc, player_id=player_id, where="hard-delete-accounts")
            failed += 1
    return {"erased": len(erased), "failed": failed, "receipts": erased}


def _begin(player_id: int, *, force: bool, reason: str | None, now: datetime) -> DeletionLog:
    with transaction.atomic():
        player = Player.objects.select_for_update().get(pk=player_id)
        if player.deletion_requested_at is None:
            raise GameError("conflict", f"Player {player_id} has not asked for deletion (request it first).")
        if not force and player.permanent_deletion_at and player.permanent_deletion_at > now:
            raise GameError(
                "conflict", f"Player {player_id} is in the grace period until {player.permanent_deletion_at}."
            )
        log = (
            DeletionLog.objects.select_for_update()
            .filter(player_id=player_id, status__in=[DeletionLog.Status.PENDING, DeletionLog.Status.RUNNING])
            .first()
        )
        if log is None:  # restored from a backup taken before the request: a new trail
            log = DeletionLog.objects.create(
                player_id=player_id,
                reason=reason or DeletionLog.Reason.OPERATOR,
                requested_at=player.deletion_requested_at,
                grace_ends_at=player.permanent_deletion_at or now,
            )
        if player.permanent_deletion_at is None or player.permanent_deletion_at > now:  # forced: from now on the
            # account signs in no more, and the daily job resumes this erasure if it is killed
            Player.objects.filter(pk=player_id).update(permanent_deletion_at=now)
        log.status = DeletionLog.Status.RUNNING
        log.started_at = log.started_at or now
        log.erasure_key = log.erasure_key or secrets.token_hex(16)
        if reason:
            log.reason = reason
        log.save(update_fields=["status", "started_at", "erasure_key", "reason"])
        close_player_sockets(player_id, reason="This account has been deleted.")  # a socket signed in during grace
    return log


def _add_counts(counts: dict[str, dict[str, int]], per_model: dict[str, int], kind: str) -> None:
    """Add a batch's rows, per model, to the log's counts (read under the batch's lock, written with it)."""
    for label, count in per_model.items():
        if count:
            entry = counts.setdefault(label, {})
            entry[kind] = entry.get(kind, 0) + count


def _unlink_values(policy: DataPolicy, key: str) -> dict[str, Any]:
    return {name: (key if value is ERASED_KEY else value) for name, value in policy.unlink.items()}


def _erase_rows(policy: DataPolicy, subject: Subject, log: DeletionLog, batch: int) -> None:
    """One model's rows of the player, a batch per transaction, until none is left."""
    while True:
        with repeatable_read():
            # the log's row locked: one runner per account at a time, and its counts exact across a kill
            counts = DeletionLog.objects.select_for_update().values_list("counts", flat=True).get(pk=log.pk)
            ids = list(policy.rows(subject).order_by().values_list("pk", flat=True)[:batch])
            if not ids:
                return
            rows = policy.model._base_manager.filter(pk__in=ids)
            if policy.erasure == Erasure.DELETE and policy.raw_delete:
                _add_counts(counts, {policy.label: rows._raw_delete(rows.db)}, "deleted")
            elif policy.erasure == Erasure.DELETE:
                _add_counts(counts, rows.delete()[1], "deleted")
            else:
                _add_counts(counts, {policy.label: rows.update(**_unlink_values(policy, log.erasure_key))}, "unlinked")
            DeletionLog.objects.filter(pk=log.pk).update(counts=counts)
        if len(ids) < batch:
            return


def erase(
    *,
    player_id: int,
    force: bool = False,
    reason: str | None = None,
    now: datetime | None = None,
    batch: int | None = None,
) -> str:
    """Erase one account whose grace is over (`force`: at once, for an operator's verified request). Returns the
    deletion's receipt id. Idempotent and resumable."""
    now = now or timezone.now()
    batch = batch or settings.DELETION_BATCH_ROWS
    log = _begin(player_id, force=force, reason=reason, now=now)
    subject = datamap.subject_of(player_id)
    ledger.forfeit_all(player_id=player_id)  # the balance ends with the account, in the ledger (docs/economy.md)
    for stage in (FIRST, NORMAL):
        for policy in datamap.ordered(stage):
            if policy.personal:
                _erase_rows(policy, subject, log, batch)
    with repeatable_read():
        # the account's row locked: what wrote for it meanwhile (a store refund at 02:00, a late analytics flush,
        # an operator's edit) has committed, and nothing more can (every ledger movement locks it too)
        created_at = Player.objects.select_for_update().filter(pk=player_id).values_list("created_at", flat=True).get()
        ledger.forfeit_all(player_id=player_id)  # diamonds that moved during the erasure end too
        for stage in (FIRST, NORMAL):
            for policy in datamap.ordered(stage):
                if policy.personal:
                    _erase_rows(policy, subject, log, batch)  # rows written meanwhile (usually none)
        Tombstone.objects.get_or_create(digest=tombstone_digest(player_id, created_at), defaults={"erased_at": now})
        for policy in datamap.ordered(FINAL):
            _erase_rows(policy, subject, log, batch)  # the log's own link, the account, its user
        DeletionLog.objects.filter(pk=log.pk).update(
            status=DeletionLog.Status.DONE, completed_at=timezone.now(), erasure_key="", player=None
        )
        close_player_sockets(player_id, reason="This account has been deleted.")  # one that slipped in meanwhile
    return str(log.receipt_id)


def reapply_tombstones(*, now: datetime | None = None) -> list[str]:
    """After a backup is restored: erase again every account the backup brought back (docs/privacy.md)."""
    now = now or timezone.now()
    digests = set(Tombstone.objects.values_list("digest", flat=True))
    back = [
        pk
        for pk, created_at in Player.objects.values_list("pk", "created_at").iterator(chunk_size=2000)
        if tombstone_digest(pk, created_at) in digests
    ]
    receipts = []
    for player_id in back:
        with transaction.atomic():
            player = Player.objects.select_for_update().get(pk=player_id)
            if player.deletion_requested_at is None:
                Player.objects.filter(pk=player_id).update(deletion_requested_at=now, permanent_deletion_at=now)
        receipts.append(erase(player_id=player_id, force=True, reason=DeletionLog.Reason.RESTORED, now=now))
    return receipts


def summary(*, player_id: int) -> dict[str, int]:
    """Rows per model the server holds about the player (operators: `get_data_summary`)."""
    return datamap.summary(datamap.subject_of(player_id))

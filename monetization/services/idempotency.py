"""Purchases a client may send twice: the first reply is kept and returned, nothing is charged again.

The record row is inserted first, inside the purchase's transaction: a concurrent duplicate's
insert waits on the unique key until the first commits (then finds its reply) or rolls back
(then goes ahead itself). A failed purchase leaves no record, so a retry tries again.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import GameError
from monetization.models import IdempotencyRecord

KEEP = timedelta(hours=48)  # the protocol promises at least 24 h


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _replay(record: IdempotencyRecord, params_hash: str) -> dict[str, Any]:
    if record.params_hash != params_hash:
        raise GameError("conflict", "This idempotency key was used with other parameters.")
    if record.reply is None:
        raise GameError("conflict", "A request with this idempotency key is still running.")
    return record.reply


def run_once(
    *,
    player_id: int,
    key: str | None,
    verb: str,
    params: dict[str, Any],
    fn: Callable[[], dict[str, Any]],
    lock: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """Run `fn` in one transaction, at most once per (player, key); a repeat gets the first reply.

    `lock` takes the purchase's row locks before the key's record is written: the record's foreign
    key takes a shared lock on the player, and a purchase that locked the life only afterwards, then
    upgraded the player's lock, deadlocked with a parallel one (docs/economy.md, lock order).
    """
    if not key:
        with transaction.atomic():
            return fn()
    key_hash, params_hash = _digest(player_id, key), _digest(verb, params)
    with transaction.atomic():
        if lock is not None:
            lock()
        try:
            with transaction.atomic():  # savepoint: only the key's own uniqueness is caught here
                record = IdempotencyRecord.objects.create(
                    key_hash=key_hash, player_id=player_id, verb=verb, params_hash=params_hash
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(key_hash=key_hash).first()
            if existing is None:
                raise GameError("conflict", "A request with this idempotency key failed; retry.") from None
            return _replay(existing, params_hash)
        reply = fn()
        record.reply = reply
        record.save(update_fields=["reply"])
        return reply


def purge_expired() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted

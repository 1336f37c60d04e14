"""How long the hard deletion of a player with a full life takes, against a one-transaction cascade in the run.

    .venv/bin/python bench/erasure.py             (embedded default: SQLite)
    .venv/bin/python bench/erasure.py --mysql     (a throwaway MariaDB database + Redis)

What it does (docs/performance.md, "Hard deletion"):

1. Makes a throwaway database and migrates it (bench/wsload.py).
2. Makes `--players` x 2 players with a full life each: an engine life aged `--years` game years (its people
   mirrored), `--lines` conversation lines, `--ledger` diamond movements and a store purchase, `--events`
   analytics events, the offline queue at its cap (1,000), `--photos` photos, `--history` relationship
   events, an export, a deletion request.
3. Erases half of them with the real service (`compliance.services.deletion.erase`: batches of
   DELETION_BATCH_ROWS rows, each its own REPEATABLE READ transaction) and, as the baseline, the other half
   with one transaction that de-links the ledger and lets Django's cascade delete the account.
4. Prints rows per player, p50 / max seconds of each, and the ratio erasure / baseline.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from wsload import aged_lives, django_setup, throwaway_database, warn_if_busy


def build(index: int, life: dict, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone
    from wsload import give_life

    from accounts.services import signup
    from analytics.models import Event
    from compliance.services import deletion, exports
    from dating.models import RelationshipEvent
    from game.models import Character, ConversationLine, OfflineEvent
    from monetization.services import ledger
    from monetization.services.purchases import grant_store_purchase
    from monetization.stores.base import VerifiedPurchase
    from retention.models import Photo

    player_id = signup.sign_in_device(device_id=f"erasure-bench-{index:05d}").player_id
    now = timezone.now()
    give_life(player_id, life, last_seen=now)
    character = Character.objects.get(current_of_id=player_id)
    people = [p["id"] for p in character.state["people"]] or ["p1"]
    ConversationLine.objects.bulk_create(
        ConversationLine(
            character=character,
            person_id=people[i % len(people)],
            speaker="player" if i % 2 == 0 else "person",
            text=f"line {i} of a long talk about the weather and the neighbours",
            game_time=i,
        )
        for i in range(args.lines)
    )
    for i in range(args.ledger):
        ledger.diamonds_credit(player_id=player_id, amount=5, reason=ledger.Reason.QUEST, reference=f"q{i}")
    grant_store_purchase(
        player_id=player_id,
        purchase=VerifiedPurchase(
            store="apple",
            transaction_id=f"bench-{index}",
            original_transaction_id=f"bench-{index}",
            product_id="com.baolife.diamonds.100",
            purchased_at=datetime.now(UTC),
            environment="production",
            quantity=1,
            raw={},
        ),
    )
    Event.objects.bulk_create(
        Event(uid=f"b{index}-{i}", player_id=player_id, name="conversation", properties={"n": i}, at=now)
        for i in range(args.events)
    )
    OfflineEvent.objects.bulk_create(
        OfflineEvent(player_id=player_id, at=now - timedelta(minutes=i), push={"type": "messageEvent", "n": i})
        for i in range(1000)
    )
    Photo.objects.bulk_create(
        Photo(
            player_id=player_id,
            character_id=character.pk,
            character_name=character.name,
            kind="milestone",
            caption=f"photo {i}",
            age=i % 80,
            game_time=i,
            taken_at=now,
            dedupe_key=f"b{i}",
        )
        for i in range(args.photos)
    )
    RelationshipEvent.objects.bulk_create(
        RelationshipEvent(
            character=character, person_id=people[i % len(people)], person_name="x", kind="date", game_time=i
        )
        for i in range(args.history)
    )
    exports.request(player_id=player_id)
    deletion.request(player_id=player_id)
    return player_id


def cascade(player_id: int) -> None:
    """The baseline: everything in one transaction, Django's collector doing the cascade."""
    from django.db import transaction

    from accounts.models import Player
    from monetization.models import DiamondTransaction, ProcessedTransaction

    with transaction.atomic():
        ProcessedTransaction.objects.filter(player_id=player_id).update(player=None)
        DiamondTransaction.objects.filter(player_id=player_id).update(player=None)
        Player.objects.get(pk=player_id).user.delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mysql", action="store_true", help="MariaDB + Redis instead of SQLite")
    parser.add_argument("--players", type=int, default=5, help="players erased by each way")
    parser.add_argument("--years", type=int, default=70, help="game years of each life")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--ledger", type=int, default=200)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--photos", type=int, default=150)
    parser.add_argument("--history", type=int, default=300)
    args = parser.parse_args()
    warn_if_busy()
    tmp = Path(tempfile.mkdtemp(prefix="baolife-erasure-"))
    try:
        with throwaway_database(args.mysql, tmp) as env:
            django_setup(env)
            from compliance.services import deletion

            print(f"building {args.players * 2} players with {args.years}-year lives ...", flush=True)
            lives = aged_lives(2, args.years)
            ids = [build(i, lives[i % 2], args) for i in range(args.players * 2)]
            rows = sum(deletion.summary(player_id=ids[0]).values())
            erased, baseline = [], []
            for i, player_id in enumerate(ids):
                started = time.perf_counter()
                if i % 2 == 0:
                    deletion.erase(player_id=player_id, force=True)
                    erased.append(time.perf_counter() - started)
                else:
                    cascade(player_id)
                    baseline.append(time.perf_counter() - started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    database = "MariaDB" if args.mysql else "SQLite"
    print(f"\nhard deletion of a full life ({database}; {rows} rows per player, batches of 500)")
    print(f"  erasure (batched, resumable): p50 {statistics.median(erased):.2f} s  max {max(erased):.2f} s")
    print(f"  baseline (one transaction):   p50 {statistics.median(baseline):.2f} s  max {max(baseline):.2f} s")
    print(f"  ratio erasure / baseline: {statistics.median(erased) / statistics.median(baseline):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

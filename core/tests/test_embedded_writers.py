"""The embedded default (SQLite) under several writer threads answers no `internal` (issue 7, 4.1).

A transaction that reads and then writes used to begin DEFERRED and fail at once with
"database is locked" when it had to upgrade its lock while another thread wrote.
"""

import pytest
from django.db import connection

from accounts.services import signup
from core.errors import GameError
from core.testing import run_concurrently
from game.services import live, purchases
from game.services.tick import run_tick
from monetization.models import DiamondTransaction
from monetization.services import ledger

pytestmark = pytest.mark.django_db(transaction=True)


def _crashes(results: list[object]) -> list[str]:
    return [f"{type(r).__name__}: {r}" for r in results if isinstance(r, Exception) and not isinstance(r, GameError)]


def test_registrations_skips_and_ticks_on_several_threads_never_crash(settings):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default's database")
    settings.SIGNUPS_PER_IP_PER_HOUR = 10_000
    buyers = [signup.sign_in_device(device_id=f"writer-buyer-{i}") for i in range(2)]
    for session in buyers:
        live.arrive(session.player_id)
        ledger.diamonds_credit(
            player_id=session.player_id, amount=10_000, reason=DiamondTransaction.Reason.OPERATOR_GRANT
        )

    def work(i: int) -> list[object]:
        done: list[object] = []
        for n in range(20):
            try:
                if i < 4:  # registrations with a guest upgrade half the time
                    guest = signup.sign_in_device(device_id=f"writer-{i}-{n}") if n % 2 else None
                    done.append(
                        signup.register(
                            email=f"w{i}-{n}@example.com",
                            password="a-strong-pass-9",
                            guest_token=guest.token if guest else None,
                        )
                    )
                elif i < 6:
                    done.append(
                        purchases.purchase_time_skip(
                            player_id=buyers[i - 4].player_id, skip_type="hour", idempotency_key=f"skip-{i}-{n}"
                        )
                    )
                else:
                    done.append(run_tick())
            except Exception as exc:
                done.append(exc)
        return done

    results = [item for batch in run_concurrently(7, work) for item in batch]
    assert _crashes(results) == []
    assert len(results) == 140

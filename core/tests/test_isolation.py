"""`repeatable_read()` gives MySQL/MariaDB transactions one snapshot (the connection's default is READ COMMITTED)."""

import threading

import pytest
from django.db import connection, connections, transaction

from accounts.models import Player
from core.isolation import repeatable_read

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="SQLite's transactions are serializable"),
]


def _change_elsewhere(player_id: int, zone: str) -> None:
    def run() -> None:
        Player.objects.filter(pk=player_id).update(time_zone=zone)
        connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _read_twice(player_id: int, atomic) -> tuple[str, str]:
    with atomic():
        first = Player.objects.values_list("time_zone", flat=True).get(pk=player_id)
        _change_elsewhere(player_id, f"Zone/{first}x")
        return first, Player.objects.values_list("time_zone", flat=True).get(pk=player_id)


def test_a_repeatable_read_transaction_reads_one_snapshot(make_player):
    player, _ = make_player()
    first, second = _read_twice(player.pk, repeatable_read)
    assert first == second == "UTC"


def test_the_connections_default_would_see_the_change(make_player):
    player, _ = make_player()
    first, second = _read_twice(player.pk, transaction.atomic)
    assert (first, second) == ("UTC", "Zone/UTCx")

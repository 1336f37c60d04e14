"""Recording: the catalogue, commit-only, buffered writes that survive a failed flush and repeat once."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Player
from analytics import catalogue
from analytics.models import Event, Session
from analytics.services import buffer, experiments, sessions
from analytics.services.events import record
from core.ws.session import SocketInfo
from game import handlers

DOC = Path(__file__).resolve().parents[2] / "docs" / "analytics.md"


def test_every_catalogue_event_and_property_is_documented() -> None:
    text = DOC.read_text()
    for name, entry in catalogue.catalogue().items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, name
        for prop in entry.get("properties") or {}:
            assert f"`{prop}`" in row, (name, prop)


def test_a_name_or_property_outside_the_catalogue_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the catalogue"):
        record("made_up", player_id=1)
    with pytest.raises(ValueError, match="properties"):
        record("death", player_id=1, age=80, favourite_colour="red")
    assert buffer.depth() == 0


@pytest.mark.django_db(transaction=True)
def test_recorded_inside_a_transaction_it_waits_for_the_commit(make_player) -> None:
    player, _ = make_player()
    buffer.discard()
    with pytest.raises(RuntimeError), transaction.atomic():
        record("death", player_id=player.pk, age=3, cause="rolled back")
        raise RuntimeError
    assert buffer.depth() == 0
    with transaction.atomic():
        record("death", player_id=player.pk, age=90, cause="old age")
        assert buffer.depth() == 0
    assert buffer.depth() == 1
    assert buffer.flush() == 1
    event = Event.objects.get()
    assert (event.player_id, event.name, event.properties) == (player.pk, "death", {"age": 90, "cause": "old age"})


@pytest.mark.django_db(transaction=True)
def test_a_batch_written_twice_is_kept_once_and_a_failed_flush_keeps_the_events(make_player, monkeypatch) -> None:
    player, _ = make_player()
    buffer.discard()
    for i in range(5):
        record("tutorial_step", player_id=player.pk, step=f"s{i}")
    waiting = list(buffer._waiting)
    real_write = buffer._write

    def fails_after_writing(batch):
        real_write(batch)  # the rows committed, then the connection broke before we knew
        raise ConnectionResetError("gone")

    monkeypatch.setattr(buffer, "_write", fails_after_writing)
    with pytest.raises(ConnectionResetError):
        buffer.flush()
    assert list(buffer._waiting) == waiting  # back in the buffer, in order
    monkeypatch.setattr(buffer, "_write", real_write)
    assert buffer.flush() == 5
    assert Event.objects.count() == 5  # not 10


@pytest.mark.django_db(transaction=True)
def test_the_buffer_is_bounded_and_counts_what_it_drops(make_player, settings) -> None:
    settings.ANALYTICS_BUFFER_MAX = 10
    settings.ANALYTICS_FLUSH_EVENTS = 1000
    buffer.discard()
    for i in range(25):
        record("tutorial_step", player_id=None, step=f"s{i}")
    assert buffer.depth() == 10 and buffer.dropped() == 15
    buffer.flush()
    assert sorted(Event.objects.values_list("properties__step", flat=True)) == sorted(f"s{i}" for i in range(15, 25))


@pytest.mark.django_db(transaction=True)
def test_events_count_towards_the_players_session_and_the_timeout_ends_dead_ones(make_player, settings) -> None:
    player, _ = make_player()
    sid = sessions.start(player_id=player.pk, key="k1", user_agent="BaoLife/2.1 (iPhone; iOS 18.1) CFNetwork")
    for i in range(3):
        record("tutorial_step", player_id=player.pk, step=f"s{i}")
    buffer.flush()
    assert set(Event.objects.values_list("session_id", flat=True)) == {sid}
    row = Session.objects.get(pk=sid)
    assert (row.platform, row.event_count, row.ended_at) == ("ios", 3, None)
    # a process that died: nothing closes its session; the timeout does, at its last sign of life
    sessions.forget()
    Session.objects.filter(pk=sid).update(last_seen_at=timezone.now() - timedelta(minutes=45))
    other = sessions.start(player_id=player.pk, key="k2", user_agent="Mozilla/5.0")
    assert sessions.end_timed_out() == 1
    row = Session.objects.get(pk=sid)
    assert row.ended_by == "timeout" and row.ended_at == row.last_seen_at and row.duration_seconds >= 0
    assert Session.objects.get(pk=other).ended_at is None
    sessions.end(key="k2")
    ended = Session.objects.get(pk=other)
    assert ended.ended_by == "disconnect" and ended.duration_seconds is not None


@pytest.mark.parametrize(
    ("agent", "platform"),
    [
        ("BaoLife/2.1 (iPhone; iOS 18.1) CFNetwork/1.0 Darwin/24", "ios"),
        ("okhttp/4.12.0", "android"),
        ("Mozilla/5.0 (Linux; Android 14) Chrome/130", "android"),
        ("Mozilla/5.0 (X11; Linux x86_64) Firefox/133", "web"),
        ("", "other"),
        ("\x00\xff<script>", "other"),
    ],
)
def test_platform_from_the_user_agent(agent: str, platform: str) -> None:
    assert sessions.platform_of(agent) == platform


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("1.5"), object()])
def test_properties_must_be_strict_json(bad) -> None:
    with pytest.raises((ValueError, TypeError)):
        record("conversation", player_id=1, person_id="p1", affinity_change=1, sentiment=bad)
    assert buffer.depth() == 0


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_that_fails_after_the_life_arrived_leaves_no_session_open(make_player, monkeypatch) -> None:
    player, _ = make_player()

    def broken(player_id: int) -> dict:
        raise RuntimeError("the reply could not be built")

    monkeypatch.setattr(experiments, "client_flags", broken)
    with pytest.raises(RuntimeError):
        handlers.sign_in_reply(player.pk, None, SocketInfo(key="k-fail", user_agent="okhttp"))
    assert not Session.objects.exists() and sessions.current(player.pk) is None


@pytest.mark.django_db(transaction=True)
def test_no_session_while_analytics_is_off(make_player, settings) -> None:
    settings.ANALYTICS_ENABLED = False
    player, _ = make_player()
    handlers.sign_in_reply(player.pk, None, SocketInfo(key="k-off"))
    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_flush_updates_every_session_of_its_batch_in_one_statement(
    make_player, django_assert_max_num_queries
) -> None:
    """The flush runs in the server process: its cost is paid by the requests arriving meanwhile."""
    players = [make_player()[0] for _ in range(10)]
    ids = [sessions.start(player_id=p.pk, key=f"k{p.pk}") for p in players]
    for i, p in enumerate(players):
        for n in range(i + 1):
            record("tutorial_step", player_id=p.pk, step=f"s{n}")
    with django_assert_max_num_queries(5):  # which players still stand, the INSERT, one UPDATE (+ the transaction)
        assert buffer.flush() == 55
    assert list(Session.objects.filter(pk__in=ids).order_by("pk").values_list("event_count", flat=True)) == list(
        range(1, 11)
    )


@pytest.mark.django_db(transaction=True)
def test_a_flush_writes_nothing_for_an_account_erased_or_being_erased(make_player) -> None:
    """A late flush must not bring back an erased player's id (docs/privacy.md)."""
    kept, erasing = make_player()[0], make_player()[0]
    Player.objects.filter(pk=erasing.pk).update(permanent_deletion_at=timezone.now())
    for player in (kept, erasing):
        record("tutorial_step", player_id=player.pk, step="s")
    buffer.flush()
    assert list(Event.objects.values_list("player_id", flat=True)) == [kept.pk]

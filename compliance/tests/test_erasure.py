"""Every model is classified; a full player's export validates against the schema; a hard deletion leaves the
player's identifiers nowhere (every column of every table scanned), completes after a crash, and stays erased
after a backup is restored."""

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.contrib.sessions.models import Session as WebSession
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Player
from accounts.selectors import token_owner
from accounts.services import signup
from analytics.services import buffer
from analytics.services.events import record
from compliance.models import DeletionLog, Tombstone
from compliance.services import datamap, deletion, exports
from compliance.tests.builders import full_player
from core.errors import GameError
from core.privacy import Erasure, declare, policies
from monetization.models import DiamondTransaction, ProcessedTransaction
from monetization.services import ledger

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "export.schema.json").read_text())


def test_every_installed_model_is_classified():
    assert datamap.undeclared() == []


def test_a_kept_personal_row_must_say_how_it_is_cut_from_the_person():
    class Fake:
        class _meta:
            label = "fake.Model"

    with pytest.raises(RuntimeError, match="need `unlink`"):
        declare(Fake, erasure=Erasure.RETAIN, export=False, owner="player_id", reason="x")  # type: ignore[arg-type]


def test_the_generated_docs_are_up_to_date():
    call_command("privacy_docs", "--check")


@pytest.mark.django_db(transaction=True)
def test_a_full_players_export_has_every_kind_and_validates_against_the_schema():
    built = full_player()
    deletion.request(player_id=built.player_id)  # an export during the grace period shows the request too
    summary = deletion.summary(player_id=built.player_id)
    personal = {p.label for p in policies().values() if p.personal}
    assert personal - set(summary) == set()  # the builder put data in every table that can hold some
    document = exports.build(player_id=built.player_id)
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    exported = {p.section for p in policies().values() if p.export}
    assert {name for name, rows in document["data"].items() if rows} == exported
    assert document["data"]["account"][0]["email"] == built.email
    assert "key_hash" not in document["data"]["tokens"][0]
    assert "password" not in document["data"]["user"][0]
    assert any(built.name in line["text"] for line in document["data"]["conversation_lines"])


def _scan(needles: dict[str, str]) -> list[str]:
    """Every column of every table, as text, searched for each needle; browser sessions decoded (their data is
    encoded: a plain search cannot see the user id inside)."""
    found = [
        f"django_session.session_data: {what}"
        for session in WebSession.objects.all()
        for what, needle in needles.items()
        if needle in json.dumps(session.get_decoded())
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for column in columns:
                cast = "CHAR" if connection.vendor == "mysql" else "TEXT"
                for what, needle in needles.items():
                    sql = f"SELECT COUNT(*) FROM {quote(table)} WHERE CAST({quote(column)} AS {cast}) LIKE %s"  # noqa: S608
                    cursor.execute(sql, [f"%{needle}%"])
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column}: {what}")
    return found


@pytest.mark.django_db(transaction=True)
def test_a_hard_deleted_player_is_found_in_no_column_of_any_table():
    built = full_player()
    before = _scan(built.needles())  # the scan finds each of them before (it can fail)
    assert {hit.split(": ")[1] for hit in before} == set(built.needles())
    assert "django_session.session_data: user id" in before and "diamond_transactions.dedupe_key: player id" in before
    balance_before = DiamondTransaction.objects.filter(player_id=built.player_id).count()
    deletion.request(player_id=built.player_id, reason=f"I am {built.name}")
    receipt = deletion.erase(player_id=built.player_id, force=True, reason=DeletionLog.Reason.OPERATOR)

    assert _scan(built.needles()) == []
    assert not Player.objects.filter(pk=built.player_id).exists()
    kept = DiamondTransaction.objects.filter(player__isnull=True)
    key = kept.values_list("erased_account", flat=True).distinct()
    assert len(key) == 1 and len(key[0]) == 32
    assert kept.count() == balance_before + 1  # + the `erasure` movement that empties the wallet
    assert sum(kept.values_list("amount", flat=True)) == 0
    assert sum(kept.values_list("debt_change", flat=True)) == 0
    assert ProcessedTransaction.objects.filter(player__isnull=True, erased_account=key[0]).count() == 1
    log = DeletionLog.objects.get(receipt_id=receipt)
    assert log.status == "done" and log.player_id is None and log.erasure_key == ""
    assert log.counts["game.ConversationLine"]["deleted"] == 2
    assert log.counts["monetization.DiamondTransaction"]["unlinked"] == balance_before + 1
    assert log.counts["accounts.Player"]["deleted"] == 1
    assert Tombstone.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_erasure_killed_midway_completes_when_run_again(monkeypatch):
    built = full_player()
    deletion.request(player_id=built.player_id)
    real = deletion._erase_rows
    calls = {"n": 0}

    def dies_after_ten(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 10:
            raise SystemExit("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(deletion, "_erase_rows", dies_after_ten)
    with pytest.raises(SystemExit):
        deletion.erase(player_id=built.player_id, force=True, batch=2)
    log = DeletionLog.objects.get(player_id=built.player_id)
    assert log.status == "running" and log.counts  # some done, some not
    key = log.erasure_key
    with pytest.raises(GameError, match="deleted"):  # from its start, the account signs in no more
        signup.sign_in_device(device_id=built.device_id)
    assert token_owner(built.token) is None
    monkeypatch.setattr(deletion, "_erase_rows", real)
    assert deletion.run_due()["erased"] == 1  # the daily job resumes the killed (forced) erasure
    assert _scan(built.needles()) == []
    assert set(DiamondTransaction.objects.values_list("erased_account", flat=True)) == {key}
    log.refresh_from_db()
    assert log.status == "done" and log.counts["accounts.Player"] == {"deleted": 1}


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_erases_only_accounts_past_their_grace_and_twice_is_once():
    waiting, due = full_player(1), full_player(2)
    deletion.request(player_id=waiting.player_id)
    deletion.request(player_id=due.player_id, now=timezone.now() - timedelta(days=31))
    first = deletion.run_due()
    assert first["erased"] == 1 and first["failed"] == 0
    assert deletion.run_due()["erased"] == 0
    assert Player.objects.filter(pk=waiting.player_id).exists()
    assert not Player.objects.filter(pk=due.player_id).exists()
    with pytest.raises(Exception, match="grace period"):
        deletion.erase(player_id=waiting.player_id)  # without --force, the grace holds


@pytest.mark.django_db(transaction=True)
def test_an_account_a_restored_backup_brings_back_is_erased_again(django_db_blocker):
    built = full_player()
    player = Player.objects.select_related("user").get(pk=built.player_id)
    user, created_at = player.user, player.created_at
    deletion.request(player_id=built.player_id)
    deletion.erase(player_id=built.player_id, force=True)
    # the backup of last week is restored: the account and its user come back as they were
    user.save(force_insert=True)
    Player.objects.filter(pk=player.pk).delete()
    player.deletion_requested_at = player.permanent_deletion_at = None
    player.save(force_insert=True)
    Player.objects.filter(pk=player.pk).update(created_at=created_at)  # auto_now_add stamped the insert
    other = full_player(2)
    call_command("hard_delete_accounts", "--tombstones")
    assert not Player.objects.filter(pk=built.player_id).exists()
    assert Player.objects.filter(pk=other.player_id).exists()  # a tombstone names one account only
    assert DeletionLog.objects.filter(reason="restored_backup", status="done").count() == 1


@pytest.mark.django_db
def test_a_pending_account_is_hidden_from_others_and_cancel_restores_it():
    built = full_player()
    assert Player.objects.visible().filter(pk=built.player_id).exists()
    deletion.request(player_id=built.player_id)
    assert not Player.objects.visible().filter(pk=built.player_id).exists()
    deletion.cancel(player_id=built.player_id)
    assert Player.objects.visible().filter(pk=built.player_id).exists()
    assert DeletionLog.objects.get().status == "cancelled"
    assert DeletionLog.objects.get().player_id is None


@pytest.mark.django_db
def test_the_command_erases_one_account_in_grace_with_force(capsys):
    built = full_player()
    with pytest.raises(Exception, match="has not asked"):
        call_command("hard_delete_accounts", "--player", str(built.player_id), "--force")
    deletion.request(player_id=built.player_id)
    call_command("hard_delete_accounts", "--player", str(built.player_id), "--force")
    assert "erased: receipt" in capsys.readouterr().out
    assert not Player.objects.filter(pk=built.player_id).exists()


@pytest.mark.django_db(transaction=True)
def test_what_is_written_for_the_player_during_the_erasure_goes_too(monkeypatch):
    """A store refund landing at 02:00 beside the job, an analytics event flushed late: the last transaction
    locks the account, ends the new diamonds and erases the new rows; a flush after it writes nothing."""
    built = full_player()
    deletion.request(player_id=built.player_id)
    real = deletion._erase_rows
    done = {"ledger": False}

    def a_refund_lands_meanwhile(policy, subject, log, batch):
        real(policy, subject, log, batch)
        if policy.label == "monetization.DiamondTransaction" and not done["ledger"]:
            done["ledger"] = True
            ledger.diamonds_credit(player_id=built.player_id, amount=77, reason=ledger.Reason.QUEST, reference="q")
            record("level_up", player_id=built.player_id, milestone="graduation")
            buffer.flush()

    monkeypatch.setattr(deletion, "_erase_rows", a_refund_lands_meanwhile)
    deletion.erase(player_id=built.player_id, force=True)
    assert _scan(built.needles()) == []
    kept = DiamondTransaction.objects.filter(player__isnull=True)
    assert sum(kept.values_list("amount", flat=True)) == 0
    assert kept.filter(reason="erasure").count() == 2  # the balance, then the 77 that came meanwhile
    record("level_up", player_id=built.player_id, milestone="graduation")  # a flush after the erasure
    buffer.flush()
    assert _scan(built.needles()) == []

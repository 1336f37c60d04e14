"""The move of the accounts out of `game` keeps the tables and every row (issue 7, 1)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("game", "0002_life"), ("monetization", "0001_initial"), ("accounts", None)]


def _migrate(targets: list) -> object:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def test_players_tokens_lives_and_ledger_survive_the_move_to_accounts():
    old = _migrate(BEFORE)
    User = old.get_model("auth", "User")
    Player = old.get_model("game", "Player")
    Character = old.get_model("game", "Character")
    AuthToken = old.get_model("game", "AuthToken")
    Ledger = old.get_model("monetization", "DiamondTransaction")
    user = User.objects.create(username="u-before", email="Before@Example.com")
    player = Player.objects.create(user=user, device_id="device-before-1", is_guest=False, diamonds=7)
    life = Character.objects.create(
        player=player, name="Ann", seed=1, state={}, anchor_real="2026-01-01T00:00Z", active_until="2026-01-08T00:00Z"
    )
    Player.objects.filter(pk=player.pk).update(current_character=life)
    AuthToken.objects.create(player=player, key_hash="a" * 64, expires_at="2030-01-01T00:00Z")
    Ledger.objects.create(player=player, amount=7, reason="operator_grant", balance_after=7)

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    moved = new.get_model("accounts", "Player").objects.get(pk=player.pk)
    assert (moved.device_id, moved.email) == ("device-before-1", "before@example.com")
    assert new.get_model("monetization", "PlayerWallet").objects.get(player_id=player.pk).diamonds == 7
    assert new.get_model("accounts", "AuthToken").objects.get().player_id == player.pk
    assert new.get_model("game", "Character").objects.get(pk=life.pk).current_of_id == player.pk
    assert new.get_model("monetization", "DiamondTransaction").objects.get().player_id == player.pk
    ContentType = new.get_model("contenttypes", "ContentType")
    assert not ContentType.objects.filter(app_label="game", model__in=["player", "authtoken"]).exists()

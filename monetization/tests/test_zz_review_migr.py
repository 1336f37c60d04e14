import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_unique_email"), ("monetization", "0002_accounts_app")]
AFTER = [("accounts", "0003_diamonds_in_the_wallet"), ("monetization", "0003_wallet_balance")]


def _migrate(targets):
    ex = MigrationExecutor(connection)
    ex.loader.build_graph()
    ex.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_forward_and_back():
    old = _migrate(BEFORE)
    Player = old.get_model("accounts", "Player")
    Wallet = old.get_model("monetization", "PlayerWallet")
    User = old.get_model("auth", "User")
    def mk(dev, d):
        u = User.objects.create(username=dev)
        return Player.objects.create(device_id=dev, diamonds=d, user_id=u.pk)
    rich = mk("rich-0001", 500)
    debtor = mk("debt-0001", 0)
    both = mk("both-0001", 7)
    none = mk("none-0001", 0)
    Wallet.objects.create(player_id=debtor.pk, debt=30)
    Wallet.objects.create(player_id=both.pk, debt=2)

    new = _migrate(AFTER)
    W = new.get_model("monetization", "PlayerWallet")
    got = {w.player_id: (w.diamonds, w.debt) for w in W.objects.all()}
    assert got == {rich.pk: (500, 0), debtor.pk: (0, 30), both.pk: (7, 2)}
    assert "diamonds" not in {f.name for f in new.get_model("accounts", "Player")._meta.get_fields()}
    with connection.cursor() as c:
        cols = [col.name for col in connection.introspection.get_table_description(c, "players")]
    assert "diamonds" not in cols

    back = _migrate(BEFORE)
    P = back.get_model("accounts", "Player")
    assert dict(P.objects.values_list("pk", "diamonds")) == {rich.pk: 500, debtor.pk: 0, both.pk: 7, none.pk: 0}
    _migrate(AFTER)
    from monetization.models import PlayerWallet
    PlayerWallet.objects.all().delete()
    from accounts.models import Player as P2
    P2.objects.all().delete()
    from django.contrib.auth.models import User as U
    U.objects.all().delete()

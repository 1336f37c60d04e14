"""The diamond balance moves from `players.diamonds` to the wallet, beside the debt (one row, one owner)."""

from django.db import migrations, models


def move_balances(apps, schema_editor):
    Player = apps.get_model("accounts", "Player")
    PlayerWallet = apps.get_model("monetization", "PlayerWallet")
    for player_id, diamonds in Player.objects.exclude(diamonds=0).values_list("pk", "diamonds").iterator():
        PlayerWallet.objects.update_or_create(player_id=player_id, defaults={"diamonds": diamonds})


def move_back(apps, schema_editor):
    Player = apps.get_model("accounts", "Player")
    PlayerWallet = apps.get_model("monetization", "PlayerWallet")
    for player_id, diamonds in PlayerWallet.objects.exclude(diamonds=0).values_list("player_id", "diamonds"):
        Player.objects.filter(pk=player_id).update(diamonds=diamonds)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_unique_email"),
        ("monetization", "0002_accounts_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="playerwallet",
            name="diamonds",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(move_balances, move_back),
        migrations.AddConstraint(
            model_name="playerwallet",
            constraint=models.CheckConstraint(
                condition=models.Q(("diamonds__gte", 0)), name="wallet_diamonds_not_negative"
            ),
        ),
    ]

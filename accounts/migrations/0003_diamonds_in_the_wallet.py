"""The balance now lives in the wallet (monetization.0003 moved it): the account's column goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_unique_email"),
        ("monetization", "0003_wallet_balance"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="player", name="players_diamonds_not_negative"),
        migrations.RemoveField(model_name="player", name="diamonds"),
    ]

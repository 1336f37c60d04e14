"""The ledger's records point at accounts.Player (state only: the same `players` table)."""

import django.db.models.deletion
from django.db import migrations, models


def _player(on_delete, related_name, **kwargs):
    return models.ForeignKey(on_delete=on_delete, related_name=related_name, to="accounts.player", **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("monetization", "0001_initial"),
    ]

    PROTECT, CASCADE = django.db.models.deletion.PROTECT, django.db.models.deletion.CASCADE
    state_operations = [
        migrations.AlterField("diamondtransaction", "player", _player(PROTECT, "diamond_transactions")),
        migrations.AlterField("energyrefillpurchase", "player", _player(CASCADE, "energy_refills")),
        migrations.AlterField("idempotencyrecord", "player", _player(CASCADE, "+")),
        migrations.AlterField(
            "playerwallet",
            "player",
            models.OneToOneField(
                on_delete=CASCADE, primary_key=True, related_name="wallet", serialize=False, to="accounts.player"
            ),
        ),
        migrations.AlterField("processedtransaction", "player", _player(PROTECT, "store_purchases")),
        migrations.AlterField("reconciliationissue", "player", _player(CASCADE, "+")),
        migrations.AlterField("timeskippurchase", "player", _player(CASCADE, "time_skips")),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]

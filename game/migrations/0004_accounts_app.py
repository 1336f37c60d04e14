"""Player and AuthToken now belong to `accounts` (state only: same tables, same rows)."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep the admin's permissions and history of the two models under their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("player", "authtoken"):
        if not ContentType.objects.filter(app_label="accounts", model=model).exists():
            ContentType.objects.filter(app_label="game", model=model).update(app_label="accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0001_initial"),
        ("game", "0003_current_life"),
        ("monetization", "0002_accounts_app"),
    ]

    state_operations = [
        migrations.AlterField(
            model_name="character",
            name="player",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="characters", to="accounts.player"
            ),
        ),
        migrations.AlterField(
            model_name="character",
            name="current_of",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="current_character",
                to="accounts.player",
            ),
        ),
        migrations.AlterField(
            model_name="offlineevent",
            name="player",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="offline_events", to="accounts.player"
            ),
        ),
        migrations.DeleteModel(name="AuthToken"),
        migrations.DeleteModel(name="Player"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]

"""The player's current life is marked on the life (Character.current_of), not on the account."""

import django.db.models.deletion
from django.db import migrations, models


def copy_current(apps, schema_editor):
    Player = apps.get_model("game", "Player")
    Character = apps.get_model("game", "Character")
    for player_id, character_id in Player.objects.exclude(current_character=None).values_list(
        "pk", "current_character_id"
    ):
        Character.objects.filter(pk=character_id).update(current_of=player_id)


def copy_back(apps, schema_editor):
    Player = apps.get_model("game", "Player")
    Character = apps.get_model("game", "Character")
    for character_id, player_id in Character.objects.exclude(current_of=None).values_list("pk", "current_of_id"):
        Player.objects.filter(pk=player_id).update(current_character=character_id)


class Migration(migrations.Migration):
    dependencies = [
        ("game", "0002_life"),
    ]

    operations = [
        migrations.AddField(
            model_name="character",
            name="current_of",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="current_character",
                to="game.player",
            ),
        ),
        migrations.RunPython(copy_current, copy_back),
        migrations.RemoveField(model_name="player", name="current_character"),
    ]

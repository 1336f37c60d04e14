"""Player and AuthToken move here from `game`: Django's state only, the tables stay as they are.

On a fresh database `game.0001` creates the tables; here nothing touches the database.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Player",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("device_id", models.CharField(blank=True, max_length=128, null=True, unique=True)),
                ("is_guest", models.BooleanField(default=True)),
                ("diamonds", models.BigIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("last_seen_at", models.DateTimeField(blank=True, null=True)),
                ("unlimited_energy_until", models.DateTimeField(blank=True, null=True)),
                ("banned_at", models.DateTimeField(blank=True, null=True)),
                ("ban_reason", models.CharField(blank=True, max_length=200)),
                ("deletion_requested_at", models.DateTimeField(blank=True, null=True)),
                ("permanent_deletion_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="player",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "players",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("diamonds__gte", 0)), name="players_diamonds_not_negative")
                ],
            },
        ),
        migrations.CreateModel(
            name="AuthToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "player",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="tokens", to="accounts.player"
                    ),
                ),
            ],
            options={
                "db_table": "game_authtoken",
                "indexes": [models.Index(fields=["player", "revoked_at"], name="game_authto_player__6a98da_idx")],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]

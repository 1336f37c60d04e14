"""One account per email, enforced by the database: `players.email`, case-folded, unique.

Refuses to run while two accounts share an email (case-insensitively), naming them, so an
operator merges or renames them first; nothing is changed before that check.
"""

from collections import defaultdict

from django.db import migrations

import accounts.fields


def _accounts_by_email(apps):
    Player = apps.get_model("accounts", "Player")
    by_email = defaultdict(list)
    rows = Player.objects.filter(is_guest=False).exclude(user__email="").values_list("pk", "user__email")
    for player_id, email in rows:
        by_email[email.strip().casefold()].append(player_id)
    return by_email


def refuse_duplicates(apps, schema_editor):
    """Checked before anything changes (MariaDB cannot roll back a half-done schema change)."""
    by_email = _accounts_by_email(apps)
    too_long = {email: ids for email, ids in by_email.items() if len(email) > 254}
    if too_long:
        listed = "; ".join(f"players {', '.join(map(str, ids))}" for ids in too_long.values())
        raise RuntimeError(f"{len(too_long)} email address(es) are longer than 254 characters once case-folded "
                           f"({listed}). Shorten them in the admin, then migrate again.")
    clashes = {email: ids for email, ids in by_email.items() if len(ids) > 1}
    if clashes:
        listed = "; ".join(f"{email}: players {', '.join(map(str, ids))}" for email, ids in sorted(clashes.items()))
        raise RuntimeError(
            f"{len(clashes)} email address(es) belong to several accounts ({listed}). "
            "Give each account its own email (or merge them) in the admin, then migrate again."
        )


def fill_emails(apps, schema_editor):
    Player = apps.get_model("accounts", "Player")
    for email, (player_id,) in _accounts_by_email(apps).items():
        Player.objects.filter(pk=player_id).update(email=email)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("game", "0004_accounts_app"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddField(
            model_name="player",
            name="email",
            field=accounts.fields.ExactCharField(blank=True, max_length=254, null=True),
        ),
        migrations.RunPython(fill_emails, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="player",
            name="email",
            field=accounts.fields.ExactCharField(blank=True, max_length=254, null=True, unique=True),
        ),
    ]

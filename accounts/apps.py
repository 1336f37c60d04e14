from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Players' accounts: sign-in, tokens, bans. Every other app builds on it; it builds on none."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

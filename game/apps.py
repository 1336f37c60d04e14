from django.apps import AppConfig


class GameConfig(AppConfig):
    """The life simulation, the player accounts and live play."""

    name = "game"
    default_auto_field = "django.db.models.BigAutoField"

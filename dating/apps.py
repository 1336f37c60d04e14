from django.apps import AppConfig


class DatingConfig(AppConfig):
    name = "dating"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Dating's specials join the engine's registry and its content the game's, before any content
        is built (the engine's worker processes import the specials' module by name)."""
        from dating.life import contents, specials  # noqa: F401 - importing them registers them

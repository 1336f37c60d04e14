from django.apps import AppConfig


class MonetizationConfig(AppConfig):
    name = "monetization"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from monetization import checks  # noqa: F401 - registers the system checks

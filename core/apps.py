from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery of the live protocol: errors, verb registry, rate limits, pushes, jobs."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the system checks

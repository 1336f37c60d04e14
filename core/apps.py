from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery of the live protocol: errors, verb registry, rate limits, pushes, jobs."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

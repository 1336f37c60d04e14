from django.apps import AppConfig


class DatingConfig(AppConfig):
    name = "dating"
    default_auto_field = "django.db.models.BigAutoField"

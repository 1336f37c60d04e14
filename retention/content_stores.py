"""The content stores this app owns (loaded by `manage.py load_content`, warmed at start-up)."""

from retention.services.content import STORE

__all__ = ["STORE"]

"""The content stores this app owns (loaded by `manage.py load_content`, warmed at start-up)."""

from monetization.catalog import STORE

__all__ = ["STORE"]

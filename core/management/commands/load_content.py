"""Load and validate every app's content files into the database: the game's (game/content/), the
diamond catalog (monetization/content/catalog.yaml), retention's (retention/content/). Run on every
deploy; operators' admin edits since the last load are replaced by the files (the files are the
versioned source). Each app names its stores in its `content_stores` module."""

from django.core.management.base import BaseCommand

from core import content_store


class Command(BaseCommand):
    help = "Validate and load every app's content (game content, diamond catalog, retention content)."

    def handle(self, *args: object, **options: object) -> None:
        for store in content_store.every_store():
            summary = store.load()
            self.stdout.write(f"{store.name} loaded: " + ", ".join(f"{k} {v}" for k, v in summary.items()))

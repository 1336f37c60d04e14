"""Load and validate the content files into the database: the game's (game/content/) and the diamond
catalog (monetization/content/catalog.yaml). Run on every deploy; operators' admin edits since the
last load are replaced by the files (the files are the versioned source)."""

from django.core.management.base import BaseCommand

from game.services import content
from monetization.catalog import load_catalog


class Command(BaseCommand):
    help = "Validate and load game content (events, jobs, activities, items, replies) and the diamond catalog."

    def handle(self, *args: object, **options: object) -> None:
        summary = content.load_content()
        self.stdout.write("content loaded: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
        prices = load_catalog()
        self.stdout.write("catalog loaded: " + ", ".join(f"{k} {v}" for k, v in prices.items()))

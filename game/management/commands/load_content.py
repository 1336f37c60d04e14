"""Load and validate the game's content files (game/content/) into the database."""

from django.core.management.base import BaseCommand

from game.services import content


class Command(BaseCommand):
    help = "Validate and load game content (events, jobs, activities, items, replies)."

    def handle(self, *args: object, **options: object) -> None:
        summary = content.load_content()
        self.stdout.write("content loaded: " + ", ".join(f"{k} {v}" for k, v in summary.items()))

"""Roll up the analytics events now (the daily job's work) and purge raw events past the retention."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.services import rollup


class Command(BaseCommand):
    help = "Roll up raw analytics events into daily totals and purge those past ANALYTICS_RETENTION_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="roll up the last N days again (1..3650)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] is not None and not 1 <= options["days"] <= 3650:
            raise CommandError("--days is 1..3650")
        done = rollup.roll_up(days=options["days"])
        self.stdout.write(f"days rolled up: {done['days_rolled_up']}; raw events purged: {done['events_purged']}")

"""Print the performance table of every server process that published recently (core/perf.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core import perf


class Command(BaseCommand):
    help = "Print count, min, max, mean, median, p95 and p99 per operation, over every recent server process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-age",
            type=float,
            default=perf.REPORT_MAX_AGE_SECONDS,
            help="only processes that published in this many seconds (default: six hours)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # this command's own process measured nothing: the servers' published snapshots are the figures
        self.stdout.write(perf.report_table(perf.merged(max_age=options["max_age"])), ending="")

"""Print an experiment's results (the admin's table) in a terminal."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.models import Experiment
from analytics.services import results


class Command(BaseCommand):
    help = "Results of an experiment (or of all): exposed players, metric, difference, CI, p-values, SRM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("flag", nargs="?", help="the experiment's flag (all when omitted)")
        parser.add_argument("--event", default="", help="another conversion event than the experiment's")
        parser.add_argument("--property", default="", help="for means: sum this property per player")
        parser.add_argument("--kind", choices=["rate", "mean"], default="", help="rate or mean")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = Experiment.objects.all()
        if options["flag"]:
            chosen = chosen.filter(flag=options["flag"])
            if not chosen.exists():
                raise CommandError(f"no experiment {options['flag']!r}")
        for experiment in chosen:
            metric = {"event": options["event"], "prop": options["property"], "kind": options["kind"]}
            found = results.samples(experiment, **metric)
            report = results.report(experiment, **metric, found=found)
            event = options["event"] or experiment.metric_event
            self.stdout.write(f"{experiment.flag} ({experiment.status}): {report.kind} of {event}")
            if not report.enough_data:
                self.stdout.write(f"  {report.message}")
            if report.srm.flagged:
                self.stdout.write(f"  SAMPLE RATIO MISMATCH: p = {report.srm.p_value:.2e}")
            for row in results.as_rows(experiment, report, found):
                line = f"  {row['variant']:<18} weight {row['weight']:>4}  exposed {row['exposed']:>7}"
                line += f"  value {row['value']:.4f}"
                if row["difference"] is not None:
                    low, high = row["ci"]
                    line += (
                        f"  diff {row['difference']:+.4f} [{low:+.4f}, {high:+.4f}]"
                        f"  p {row['p_value']:.4f}  holm {row['p_adjusted']:.4f}"
                    )
                self.stdout.write(line)

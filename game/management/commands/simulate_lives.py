"""Play many lives on the engine under answer policies and print the balance figures (docs/game.md)."""

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from game import simulation
from game.services import content as content_service


class Command(BaseCommand):
    help = "Simulate N lives per policy (default, random, sensible) and print the balance figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lives", type=int, default=200)
        parser.add_argument("--policy", action="append", choices=list(simulation.POLICIES))
        parser.add_argument("--seed", type=int, default=1, help="first seed; lives use seed, seed+1, ...")
        parser.add_argument("--json", action="store_true", help="print one JSON object per policy")
        parser.add_argument(
            "--database", action="store_true", help="the content in the database (default: the files, as versioned)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["database"]:
            content = content_service.current()
        else:
            content = content_service.validate(content_service.read_files(content_service.CONTENT_DIR))
        for policy in options["policy"] or ["default", "random", "sensible"]:
            started = time.perf_counter()
            reports = [simulation.play_life(content, options["seed"] + i, policy) for i in range(options["lives"])]
            figures = simulation.summarise(reports, content)
            figures["policy"] = policy
            figures["seconds"] = round(time.perf_counter() - started, 1)
            if options["json"]:
                self.stdout.write(json.dumps(figures, default=str))
                continue
            self.stdout.write(f"\n== policy {policy}: {figures['lives']} lives in {figures['seconds']} s")
            for key, value in figures.items():
                if key not in ("policy", "seconds", "lives"):
                    self.stdout.write(f"  {key}: {_fmt(value)}")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
    return str(value)

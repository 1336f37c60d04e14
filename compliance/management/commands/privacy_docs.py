"""Write the generated parts of the privacy documentation: the classification table and the export's schema."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from compliance.services import docs


class Command(BaseCommand):
    help = "Write docs/privacy-classification.md and docs/export.schema.json from the apps' declarations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if the files are not up to date")

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(settings.BASE_DIR) / "docs"
        files = {
            base / "privacy-classification.md": docs.classification_markdown(),
            base / "export.schema.json": json.dumps(docs.export_schema(), indent=2) + "\n",
        }
        stale = [path.name for path, text in files.items() if not path.exists() or path.read_text() != text]
        if options["check"]:
            if stale:
                raise SystemExit(f"out of date: {', '.join(stale)} (run manage.py privacy_docs)")
            return
        for path, text in files.items():
            path.write_text(text)
        self.stdout.write(f"wrote {', '.join(p.name for p in files)}")

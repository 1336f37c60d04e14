"""Rewrite the generated verb table of docs/protocol.md from the verb registry."""

from django.core.management.base import BaseCommand

from core import protocol_docs


class Command(BaseCommand):
    help = "Regenerate the verb table in docs/protocol.md from the registered verbs."

    def handle(self, *args: object, **options: object) -> None:
        text = protocol_docs.DOC.read_text(encoding="utf-8")
        protocol_docs.DOC.write_text(protocol_docs.render(text), encoding="utf-8")
        self.stdout.write(f"{protocol_docs.DOC}: verb table written")

"""Printed by `make run` before the server starts: where things are, how to get in."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the server's URLs and how to create an operator account."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: object, host: str, port: str, **options: object) -> None:
        base = f"http://{host}:{port}"
        mode = "MariaDB/Redis" if settings.REDIS_URL else "embedded (SQLite, in-memory layer, jobs in-process)"
        self.stdout.write(
            "\nBaoLife game server\n"
            f"  mode:       {mode}\n"
            f"  WebSocket:  ws://{host}:{port}/ws/play/\n"
            f"  admin:      {base}/admin/\n"
            f"  health:     {base}/health/live  {base}/health/ready\n"
            f"  protocol:   {base}/api/protocol.json\n"
            "  operator:   .venv/bin/python manage.py createsuperuser\n"
        )

"""Erase now the accounts whose deletion grace is over (what the daily 02:00 job does), or one account."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.models import DeletionLog
from compliance.services import deletion
from core.errors import GameError


class Command(BaseCommand):
    help = (
        "Erase the accounts whose grace period is over. --player ID --force erases one account in its grace "
        "period at once (a verified request); --tombstones erases again the accounts a restored backup brought back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--player", type=int, help="only this account")
        parser.add_argument("--force", action="store_true", help="do not wait for the end of its grace period")
        parser.add_argument("--tombstones", action="store_true", help="after restoring a backup (docs/privacy.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tombstones"]:
            receipts = deletion.reapply_tombstones()
            self.stdout.write(f"{len(receipts)} restored account(s) erased again")
            for receipt in receipts:
                self.stdout.write(f"  receipt {receipt}")
            return
        if options["force"] and not options["player"]:
            raise CommandError("--force needs --player ID")
        if options["player"]:
            try:
                reason = DeletionLog.Reason.OPERATOR if options["force"] else None
                receipt = deletion.erase(player_id=options["player"], force=options["force"], reason=reason)
            except GameError as exc:
                raise CommandError(exc.message) from exc
            except deletion.Player.DoesNotExist as exc:
                raise CommandError(f"No player {options['player']}.") from exc
            self.stdout.write(f"player {options['player']} erased: receipt {receipt}")
            return
        result = deletion.run_due()
        self.stdout.write(f"{result['erased']} account(s) erased, {result['failed']} failed")
        for receipt in result["receipts"]:
            self.stdout.write(f"  receipt {receipt}")

"""`python manage.py grant_diamonds PLAYER_ID AMOUNT --reason TEXT` (negative AMOUNT revokes)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Player
from core.errors import GameError
from monetization.services import ledger


class Command(BaseCommand):
    help = "Grant (or, with a negative amount, revoke) a player's diamonds through the ledger."

    def add_arguments(self, parser) -> None:
        parser.add_argument("player_id", type=int)
        parser.add_argument("amount", type=int)
        parser.add_argument("--reason", required=True)

    def handle(self, *args: object, player_id: int, amount: int, reason: str, **options: object) -> None:
        if not Player.objects.filter(pk=player_id).exists():
            raise CommandError(f"No player {player_id}.")
        try:
            row = ledger.operator_adjust(
                player_id=player_id, amount=amount, operator_id=None, reason=f"shell: {reason}"
            )
        except GameError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"player {player_id}: {row.amount:+d} diamonds, balance {row.balance_after}")

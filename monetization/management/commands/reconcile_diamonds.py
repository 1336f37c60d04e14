"""`python manage.py reconcile_diamonds`: check every balance against its ledger now."""

from django.core.management.base import BaseCommand

from monetization.services.reconciliation import reconcile


class Command(BaseCommand):
    help = "Compare every diamond balance with the sum of its ledger; list and report mismatches."

    def handle(self, *args: object, **options: object) -> None:
        issues = reconcile()
        for issue in issues:
            self.stdout.write(f"player {issue.player_id}: balance {issue.balance}, ledger {issue.ledger_sum}")
        self.stdout.write(f"{len(issues)} new mismatch(es)")

"""Print the handlers of life outcomes in the order they run (game/hooks.py)."""

from django.core.management.base import BaseCommand

from game import hooks


class Command(BaseCommand):
    help = "List the registered life-outcome handlers, in the order they run inside a life's save."

    def handle(self, *args: object, **options: object) -> None:
        for registration in hooks.load_all():
            kinds = "all kinds" if registration.kinds == hooks.KINDS else ", ".join(sorted(registration.kinds))
            self.stdout.write(f"{registration.order:>5}  {registration.name}  ({kinds})")

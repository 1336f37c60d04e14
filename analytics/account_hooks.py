"""Analytics' part in a new account: the `sign_up` event."""

from accounts.hooks import on_account_created
from accounts.models import Player
from analytics.services.events import record


@on_account_created(order=900, name="analytics.sign_up")
def sign_up(player_id: int) -> None:
    email = Player.objects.filter(pk=player_id).values_list("email", flat=True).first()
    record("sign_up", player_id=player_id, method="email" if email else "device")

"""Reads of the game's state that handlers and other apps may call. Data only: the protocol's shapes
are game/wire.py's, and nothing here changes anything (selectors never import services)."""

from accounts.models import Player
from game.models import Character
from monetization.selectors import WALLET


def player_and_life(player_id: int, *, character: Character | None = None) -> tuple[Player, Character | None]:
    """The player (with the account and wallet) and their current life, in one query.

    Pass the `character` a caller has just saved, to spare reading and decoding its state again.
    """
    if character is not None:
        return Player.objects.select_related("user", WALLET).get(pk=player_id), character
    player = Player.objects.select_related("user", "current_character", WALLET).get(pk=player_id)
    return player, getattr(player, "current_character", None)

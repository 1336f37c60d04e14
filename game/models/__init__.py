from game.models.accounts import AuthToken, Player

__all__ = ["AuthToken", "Player"]

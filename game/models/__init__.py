from game.models.accounts import AuthToken, Player
from game.models.life import Character, ContentEntry, ConversationLine, OfflineEvent, Person

__all__ = ["AuthToken", "Character", "ContentEntry", "ConversationLine", "OfflineEvent", "Person", "Player"]

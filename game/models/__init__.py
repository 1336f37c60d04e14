from game.models.life import Character, ContentEntry, ConversationLine, OfflineEvent, Person

__all__ = ["Character", "ContentEntry", "ConversationLine", "OfflineEvent", "Person"]

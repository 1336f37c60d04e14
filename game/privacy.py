"""What the GDPR export and erasure do with the game's tables (core/privacy.py; compliance runs them)."""

from core.privacy import Erasure, declare
from game.models import Character, ContentEntry, ConversationLine, OfflineEvent, Person

declare(
    Character,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="lives",
    reason="Every life played: its whole state (people, events, money, jobs) is the player's game data.",
)
declare(
    Person,
    erasure=Erasure.DELETE,
    export=True,
    owner="character__player_id",
    section="people",
    reason="The people of the player's lives (a mirror of the life's state).",
)
declare(
    ConversationLine,
    erasure=Erasure.DELETE,
    export=True,
    owner="character__player_id",
    section="conversation_lines",
    reason="What the player typed to the people of a life, and their replies: free text, may be personal.",
)
declare(
    OfflineEvent,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="offline_events",
    reason="Notifications kept while the player was away (at most 7 days).",
)
declare(
    ContentEntry,
    erasure=Erasure.RETAIN,
    export=False,
    reason="Game content (events, jobs, activities): holds no personal data.",
)

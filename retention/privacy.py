"""What the GDPR export and erasure do with retention's tables (core/privacy.py; compliance runs them)."""

from core.privacy import Erasure, declare
from retention.models import (
    DailyQuest,
    LoginStreak,
    Photo,
    PlayerAchievement,
    PlayerProgress,
    RetentionEntry,
    TutorialProgress,
)

for model, section, what in (
    (PlayerProgress, "statistics", "The lifetime statistics."),
    (PlayerAchievement, "achievements", "Achievements unlocked."),
    (Photo, "photo_album", "The photo album of the lives' moments."),
    (LoginStreak, "login_streak", "The daily login streak and its last claim."),
    (DailyQuest, "daily_quests", "Daily quests and their progress."),
    (TutorialProgress, "tutorial", "Tutorial steps done."),
):
    declare(model, erasure=Erasure.DELETE, export=True, owner="player_id", section=section, reason=what)

declare(
    RetentionEntry,
    erasure=Erasure.RETAIN,
    export=False,
    reason="Retention content (achievements, quests, rewards): holds no personal data.",
)

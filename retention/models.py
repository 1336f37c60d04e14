"""What brings players back: achievements, lifetime statistics, the photo album, the daily login
streak, daily quests and the tutorial. Fed by the game's life hook (retention/life_hooks.py), never by
what a client claims."""

from django.db import models

from accounts.models import Player
from core.models import ContentDocument
from retention.tally import STATISTICS


class RetentionEntry(ContentDocument):
    """One piece of retention content (an achievement, a quest template, a login-cycle day, a tutorial
    step), loaded from retention/content/ and editable in the admin (validated on save)."""

    class Meta(ContentDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="retention_content_unique_key")]
        verbose_name_plural = "retention content"


class PlayerProgress(models.Model):
    """One row per player, read and written once per saved advance of their life: the lifetime
    statistics, the current life's counts, and the achievements unlocked (the checks read it once,
    not once per achievement)."""

    player = models.OneToOneField(Player, on_delete=models.CASCADE, primary_key=True, related_name="progress")
    money_earned = models.BigIntegerField(default=0)
    money_spent = models.BigIntegerField(default=0)
    relationships_formed = models.PositiveIntegerField(default=0)
    activities_done = models.PositiveIntegerField(default=0)
    conversations_held = models.PositiveIntegerField(default=0)
    years_lived = models.PositiveIntegerField(default=0)
    deaths = models.PositiveIntegerField(default=0)
    highest_job_level = models.PositiveIntegerField(default=0)
    highest_affinity = models.PositiveIntegerField(default=0)
    marriages = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)
    friends = models.PositiveIntegerField(default=0)
    questions_answered = models.PositiveIntegerField(default=0)
    graduations = models.PositiveIntegerField(default=0)
    promotions = models.PositiveIntegerField(default=0)
    assets_bought = models.PositiveIntegerField(default=0)
    life_character_id = models.BigIntegerField(null=True, blank=True)  # the life `life_counts` counts
    life_counts = models.JSONField(default=dict, blank=True)  # retention/tally.py's keys, this life
    unlocked = models.JSONField(default=list, blank=True)  # achievement ids (mirror of PlayerAchievement)
    # Today's quests as the saves count them (quest id -> count, target, progress ...): read and written
    # with the row above, so a save costs no quest query; a DailyQuest row is written when it completes.
    quest_day = models.DateField(null=True, blank=True)
    quests_until = models.DateTimeField(null=True, blank=True)  # the quest day's end, in the zone it began in
    quests = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "player_progress"
        verbose_name_plural = "player progress"

    def __str__(self) -> str:
        return f"progress of player {self.player_id}"

    def statistics(self) -> dict[str, int]:
        return {name: int(getattr(self, name)) for name in STATISTICS}


class PlayerAchievement(models.Model):
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="achievements")
    achievement_id = models.CharField(max_length=60)
    character_id = models.BigIntegerField(null=True, blank=True)  # the life it was earned in
    reward = models.PositiveIntegerField(default=0)
    unlocked_at = models.DateTimeField()

    class Meta:
        db_table = "player_achievements"
        constraints = [models.UniqueConstraint(fields=["player", "achievement_id"], name="achievement_once")]
        ordering = ["-unlocked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.achievement_id} ({self.player_id})"


class Photo(models.Model):
    """A big moment of a life, kept in the player's album across lives."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="photos")
    character_id = models.BigIntegerField()
    character_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)  # graduation, marriage, birth, promotion, milestone, death ...
    caption = models.CharField(max_length=300)
    age = models.PositiveSmallIntegerField()
    game_time = models.BigIntegerField()
    taken_at = models.DateTimeField()
    dedupe_key = models.CharField(max_length=120)

    class Meta:
        db_table = "photos"
        constraints = [models.UniqueConstraint(fields=["player", "dedupe_key"], name="photo_once")]
        indexes = [models.Index(fields=["player", "-id"], name="photos_by_player")]
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.caption


class LoginStreak(models.Model):
    """The daily login cycle's progress (docs/retention.md: days are the player's, in their time zone)."""

    player = models.OneToOneField(Player, on_delete=models.CASCADE, primary_key=True, related_name="login_streak")
    streak = models.PositiveIntegerField(default=0)  # days in a row claimed
    day_in_cycle = models.PositiveSmallIntegerField(default=0)  # the cycle day last claimed (1..7), 0 none
    last_claim_at = models.DateTimeField(null=True, blank=True)
    next_claim_at = models.DateTimeField(null=True, blank=True)  # the claim's local midnight: never earlier
    claims = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "player_login_streak"

    def __str__(self) -> str:
        return f"streak {self.streak} ({self.player_id})"


class DailyQuest(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        COMPLETED = "completed"  # done, reward waiting for `complete_quest`
        CLAIMED = "claimed"

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="daily_quests")
    day = models.DateField()  # the player's local day
    difficulty = models.CharField(max_length=10)
    template_id = models.CharField(max_length=60)
    description = models.CharField(max_length=200)
    target = models.PositiveIntegerField()
    progress = models.PositiveIntegerField(default=0)
    reward = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    seen = models.JSONField(default=list, blank=True)  # distinct things counted (people talked to)
    completed_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "daily_quests"
        constraints = [models.UniqueConstraint(fields=["player", "day", "difficulty"], name="quest_per_day")]
        ordering = ["day", "id"]

    def __str__(self) -> str:
        return f"{self.template_id} {self.day} ({self.player_id})"


class TutorialProgress(models.Model):
    player = models.OneToOneField(Player, on_delete=models.CASCADE, primary_key=True, related_name="tutorial")
    steps = models.JSONField(default=list, blank=True)  # step ids done, in order
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "tutorial_progress"
        verbose_name_plural = "tutorial progress"

    def __str__(self) -> str:
        return f"tutorial of {self.player_id}: {len(self.steps)} steps"

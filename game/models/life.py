"""A life (Character), the people in it as an admin-searchable mirror, and its kept lines and events."""

from django.db import models

from accounts.models import Player
from core.jsonfield import FastJSONField
from core.models import ContentDocument


class Character(models.Model):
    """One life. `state` (the engine's LifeState as JSON) is the truth; the columns beside it index it.

    Game time is `anchor_game + (real now - anchor_real) * pace`, until `active_until`
    (the player's last sight + 7 days), when the life pauses until the player returns.
    """

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="characters")
    # Set on the player's current life only (NULLs do not collide in a unique column): the link
    # lives here, not on the account, so accounts never depends on the game.
    current_of = models.OneToOneField(
        Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="current_character"
    )
    name = models.CharField(max_length=100)
    seed = models.BigIntegerField()
    state = FastJSONField()  # read and written by every tick: orjson (core/jsonfield.py)
    game_clock = models.BigIntegerField(default=0)
    anchor_real = models.DateTimeField()
    anchor_game = models.BigIntegerField(default=0)
    active_until = models.DateTimeField()
    alive = models.BooleanField(default=True)
    age_years = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=20, default="baby")
    summary = FastJSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["alive", "active_until"], name="character_tick_idx")]

    def __str__(self) -> str:
        return f"{self.name} (player {self.player_id})"


class Person(models.Model):
    """Mirror of one NPC of a life's state, kept for the admin's search; written when it changes."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="people")
    person_id = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    relation = models.CharField(max_length=30)
    age_years = models.SmallIntegerField(default=0)
    affinity = models.FloatField(default=0)
    alive = models.BooleanField(default=True)
    data = FastJSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["character", "person_id"], name="person_unique_in_life")]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class ConversationLine(models.Model):
    """Every line of every conversation, both sides."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="lines")
    person_id = models.CharField(max_length=20)
    speaker = models.CharField(max_length=10, choices=[("player", "player"), ("person", "person")])
    text = models.TextField()
    sentiment = models.FloatField(default=0)
    affinity_change = models.FloatField(default=0)
    game_time = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["character", "person_id", "id"])]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:40]}"


class OfflineEvent(models.Model):
    """A push that happened while the player was away; sent, oldest first, after the next `auth`."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="offline_events")
    at = models.DateTimeField()
    push = FastJSONField()

    class Meta:
        indexes = [models.Index(fields=["player", "id"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.push.get('type')} for player {self.player_id} at {self.at:%Y-%m-%d %H:%M}"


class ContentEntry(ContentDocument):
    """One piece of game content (an event, a job, an activity...), loaded from game/content/.

    Operators edit it in the admin; it is validated by the engine's content models on save.
    """

    class Meta(ContentDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="content_unique_key")]
        verbose_name_plural = "content entries"

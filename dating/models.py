"""Dating's records: bios as shown (`npc_bios`), compatibility scores (`dating_compatibility`) and
the history of every relationship (`relationship_events`). The people themselves live in the life's
state (game); these rows are what operators read and edit, and what later replies quote."""

from django.db import models

from game.models import Character


class NpcBio(models.Model):
    """A person's bio as first shown to the player: generated from their personality (dating/life/bios.py)
    and kept, so an operator can read it and correct it (`edited` keeps an operator's text for good)."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="bios")
    person_id = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    bio = models.JSONField()
    edited = models.BooleanField(default=False, help_text="an operator's correction: never regenerated")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "npc_bios"
        constraints = [models.UniqueConstraint(fields=["character", "person_id"], name="npc_bio_unique_person")]
        verbose_name = "NPC bio"

    def __str__(self) -> str:
        return f"{self.name} ({self.person_id})"


class Compatibility(models.Model):
    """The last compatibility computed between a life's player and a person; `fingerprint` names both
    sides' inputs, so the score is recomputed when either side changes and not otherwise."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="compatibilities")
    person_id = models.CharField(max_length=20)
    score = models.PositiveSmallIntegerField()
    parts = models.JSONField(default=dict)
    algorithm = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "dating_compatibility"
        constraints = [
            models.UniqueConstraint(fields=["character", "person_id", "algorithm"], name="compatibility_unique"),
        ]
        verbose_name_plural = "compatibility scores"

    def __str__(self) -> str:
        return f"{self.person_id}: {self.score}"


class RelationshipEvent(models.Model):
    """What happened between the player and a person, in game time: met, stage changes, dates, actions,
    relationship events answered. Replies quote it ("you cheated on me" is remembered)."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="relationship_events")
    person_id = models.CharField(max_length=20)
    person_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)  # met, stage, date, action, event
    stage = models.CharField(max_length=20, blank=True)  # the relationship stage after it
    detail = models.JSONField(default=dict)
    text = models.TextField(blank=True)
    game_time = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "relationship_events"
        indexes = [models.Index(fields=["character", "person_id", "game_time"], name="rel_event_person_time")]
        ordering = ["game_time", "id"]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.kind} {self.stage}"

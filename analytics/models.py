"""What the server records about play, for operators: events, sessions, their daily roll-up, and the
experiments (feature flags) with each player's persisted assignment.

Events and sessions point at the player without a database constraint: they are written in batches
after the fact (analytics/services/buffer.py), and a batch must not fail because an account went away
in between. Erasure is analytics' own (docs/privacy.md).
"""

from django.db import models

from accounts.models import Player


class Session(models.Model):
    """One signed-in socket: from `auth` to the disconnect (or, if the process died, the timeout)."""

    class End(models.TextChoices):
        DISCONNECT = "disconnect"
        TIMEOUT = "timeout"

    key = models.CharField(max_length=32, unique=True)  # the socket's own random id
    player = models.ForeignKey(Player, on_delete=models.SET_NULL, null=True, db_constraint=False, related_name="+")
    platform = models.CharField(max_length=16, default="other")
    started_at = models.DateTimeField(db_index=True)
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_by = models.CharField(max_length=16, choices=End.choices, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "analytics_sessions"
        indexes = [models.Index(fields=["player", "started_at"], name="analytics_session_player")]

    def __str__(self) -> str:
        return f"session {self.key} of player {self.player_id}"


class Event(models.Model):
    """One thing that happened, named from the catalogue (analytics/catalogue.py, docs/analytics.md)."""

    uid = models.CharField(max_length=32, unique=True)  # given when recorded: a batch written twice is kept once
    player = models.ForeignKey(Player, on_delete=models.SET_NULL, null=True, db_constraint=False, related_name="+")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, db_constraint=False, related_name="+"
    )
    name = models.CharField(max_length=48)
    properties = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        db_table = "analytics_events"
        indexes = [
            models.Index(fields=["name", "at"], name="analytics_event_name_at"),
            models.Index(fields=["player", "at"], name="analytics_event_player_at"),
            models.Index(fields=["at"], name="analytics_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.player_id})"


class DailyRollup(models.Model):
    """Per day and event name: how many events and how many distinct players (kept after the raw events
    are purged)."""

    day = models.DateField()
    name = models.CharField(max_length=48)
    events = models.PositiveIntegerField(default=0)
    players = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "analytics_daily"
        constraints = [models.UniqueConstraint(fields=["day", "name"], name="analytics_daily_unique")]
        ordering = ["-day", "name"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}: {self.events}"


class Experiment(models.Model):
    """A feature flag with weighted variants. The first variant is the control, which every player gets
    while the experiment is not running. Weights are frozen while it runs (analytics/services/experiments.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        RUNNING = "running"
        STOPPED = "stopped"

    class Metric(models.TextChoices):
        RATE = "rate", "share of players with the event"
        MEAN = "mean", "mean per player of a property of the event (or its count)"

    flag = models.CharField(max_length=48, unique=True)
    description = models.TextField(blank=True)
    variants = models.JSONField()  # [{"name": ..., "weight": ...}, ...] in declaration order
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    metric_event = models.CharField(max_length=48, blank=True)  # the conversion event's name
    metric_kind = models.CharField(max_length=8, choices=Metric.choices, default=Metric.RATE)
    metric_property = models.CharField(max_length=48, blank=True)  # for means: summed per player ("" = count)
    min_sample = models.PositiveIntegerField(default=100)  # players per variant before any verdict

    class Meta:
        db_table = "experiments"
        ordering = ["flag"]

    def __str__(self) -> str:
        return self.flag


class ExperimentChange(models.Model):
    """The audit trail of an experiment: every start, stop and change of its variants, by whom."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16)  # start | stop | variants | metric
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "experiment_changes"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.action} by {self.by or 'system'}"


class Assignment(models.Model):
    """A player's variant of a running experiment, persisted at first exposure: it never changes after."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="assignments")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="+")
    variant = models.CharField(max_length=48)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "experiment_assignments"
        constraints = [models.UniqueConstraint(fields=["experiment", "player"], name="experiment_assignment_unique")]

    def __str__(self) -> str:
        return f"player {self.player_id}: {self.variant}"

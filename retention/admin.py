"""Operators' dashboard for retention: the content (achievements, quests, login cycle, tutorial)
editable with validation; a player's unlocks, streak, quests, statistics and album on their page;
the tutorial funnel as a table."""

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.admin import add_player_section
from core.content_admin import ContentDocumentAdmin
from core.readonly_admin import ReadOnlyInline
from retention.models import (
    DailyQuest,
    LoginStreak,
    Photo,
    PlayerAchievement,
    PlayerProgress,
    RetentionEntry,
    TutorialProgress,
)
from retention.services import tutorial
from retention.services.content import STORE
from retention.tally import STATISTICS


@admin.register(RetentionEntry)
class RetentionEntryAdmin(ContentDocumentAdmin):
    store = STORE


class ProgressInline(ReadOnlyInline):
    model = PlayerProgress
    fields = readonly_fields = (*STATISTICS, "unlocked", "updated_at")
    verbose_name = verbose_name_plural = "lifetime statistics"


class AchievementInline(ReadOnlyInline):
    model = PlayerAchievement
    fields = readonly_fields = ("achievement_id", "reward", "character_id", "unlocked_at")


class StreakInline(ReadOnlyInline):
    model = LoginStreak
    fields = readonly_fields = ("streak", "day_in_cycle", "claims", "last_claim_at", "next_claim_at")


class QuestInline(ReadOnlyInline):
    model = DailyQuest
    fields = readonly_fields = ("day", "difficulty", "description", "live_progress", "target", "reward", "status")
    verbose_name_plural = "daily quests (last 7 days)"

    @admin.display(description="progress")
    def live_progress(self, obj: DailyQuest) -> int:
        """Today's count lives in the player's progress row until the quest completes (progress.py)."""
        live = PlayerProgress.objects.filter(player_id=obj.player_id, quest_day=obj.day).values_list(
            "quests", flat=True
        )
        counted = (live.first() or {}).get(str(obj.pk))
        return int(counted["progress"]) if counted and obj.status == DailyQuest.Status.ACTIVE else obj.progress

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(day__gte=timezone.now().date() - timedelta(days=7))


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = readonly_fields = ("taken_at", "character_name", "age", "kind", "caption")


class TutorialInline(ReadOnlyInline):
    model = TutorialProgress
    fields = readonly_fields = ("steps", "completed_at")


for section in (ProgressInline, AchievementInline, StreakInline, QuestInline, TutorialInline, PhotoInline):
    add_player_section(section)


@admin.register(TutorialProgress)
class TutorialFunnelAdmin(admin.ModelAdmin):
    """The tutorial's funnel: how many players reached each step."""

    list_display = ("player", "completed_at", "updated_at")
    readonly_fields = ("player", "steps", "completed_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        return super().changelist_view(request, {**(extra_context or {}), "funnel": tutorial.funnel()})


@admin.register(PlayerAchievement)
class PlayerAchievementAdmin(admin.ModelAdmin):
    list_display = ("achievement_id", "player", "reward", "unlocked_at")
    list_filter = ("achievement_id",)
    search_fields = ("=player__id", "achievement_id")
    readonly_fields = ("player", "achievement_id", "character_id", "reward", "unlocked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

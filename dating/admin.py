"""Operators' dashboard for dating: bios as shown to players (an operator may correct one: it is then
never regenerated), compatibility scores, and every relationship's history, by life and person."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.readonly_admin import ReadOnlyAdmin
from dating.models import Compatibility, NpcBio, RelationshipEvent


@admin.register(NpcBio)
class NpcBioAdmin(admin.ModelAdmin):
    list_display = ("name", "person_id", "character", "edited", "updated_at")
    list_filter = ("edited",)
    search_fields = ("name", "=person_id", "=character__id", "=character__player__id")
    readonly_fields = ("character", "person_id", "name", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: NpcBio, form: Any, change: bool) -> None:
        obj.edited = True  # an operator's text wins from now on
        super().save_model(request, obj, form, change)


@admin.register(Compatibility)
class CompatibilityAdmin(ReadOnlyAdmin):
    list_display = ("character", "person_id", "score", "algorithm", "updated_at")
    list_filter = ("algorithm",)
    search_fields = ("=person_id", "=character__id", "=character__player__id")


@admin.register(RelationshipEvent)
class RelationshipEventAdmin(ReadOnlyAdmin):
    list_display = ("character", "person_name", "kind", "stage", "text", "game_time")
    list_filter = ("kind", "stage")
    search_fields = ("person_name", "=person_id", "=character__id", "=character__player__id")

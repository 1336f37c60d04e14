"""Operators' dashboard for the game: lives, people, lines, offline events, content (validated)."""

from django.contrib import admin
from django.http import HttpRequest

from core.content_admin import ContentDocumentAdmin
from game.models import Character, ContentEntry, ConversationLine, OfflineEvent, Person
from game.services import content


class PersonInline(admin.TabularInline):
    model = Person
    fields = ("person_id", "name", "relation", "age_years", "affinity", "alive")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "player", "age_years", "stage", "alive", "active_until", "updated_at")
    list_filter = ("alive", "stage")
    search_fields = ("=id", "name", "=player__id", "player__user__email")
    readonly_fields = (
        "player",
        "name",
        "seed",
        "state",
        "game_clock",
        "anchor_real",
        "anchor_game",
        "active_until",
        "alive",
        "age_years",
        "stage",
        "summary",
        "created_at",
        "updated_at",
    )
    inlines = (PersonInline,)
    list_select_related = ("player",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "relation", "age_years", "affinity", "alive", "character")
    list_filter = ("relation", "alive")
    search_fields = ("name", "=character__id", "=character__player__id")
    readonly_fields = ("character", "person_id", "name", "relation", "age_years", "affinity", "alive", "data")
    list_select_related = ("character",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ConversationLine)
class ConversationLineAdmin(admin.ModelAdmin):
    list_display = ("character", "person_id", "speaker", "text", "sentiment", "affinity_change", "created_at")
    search_fields = ("text", "=character__id")
    list_filter = ("speaker",)
    readonly_fields = (
        "character",
        "person_id",
        "speaker",
        "text",
        "sentiment",
        "affinity_change",
        "game_time",
        "created_at",
    )


@admin.register(OfflineEvent)
class OfflineEventAdmin(admin.ModelAdmin):
    list_display = ("player", "at", "push")
    search_fields = ("=player__id",)
    readonly_fields = ("player", "at", "push")


@admin.register(ContentEntry)
class ContentEntryAdmin(ContentDocumentAdmin):
    store = content.STORE

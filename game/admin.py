"""Operators' dashboard for the game: lives, people, lines, offline events, content (validated)."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from game.engine.errors import ContentError
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


class ContentEntryForm(forms.ModelForm):
    """Content edited by an operator is validated by the engine before it is saved."""

    class Meta:
        model = ContentEntry
        fields = ("kind", "key", "data")

    def clean(self) -> dict:
        cleaned = super().clean()
        rows = [(r.kind, r.key, r.data) for r in ContentEntry.objects.exclude(pk=self.instance.pk)]
        rows.append((cleaned.get("kind"), cleaned.get("key"), cleaned.get("data")))
        try:
            content.validate(content.rows_to_data(rows))
        except (ContentError, ValueError, TypeError) as exc:
            raise forms.ValidationError(f"Invalid content: {exc}") from exc
        return cleaned


@admin.register(ContentEntry)
class ContentEntryAdmin(admin.ModelAdmin):
    form = ContentEntryForm
    list_display = ("kind", "key", "updated_at")
    list_filter = ("kind",)
    search_fields = ("key", "kind")

    def save_model(self, request: HttpRequest, obj: ContentEntry, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(content.bump_version)

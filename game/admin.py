"""Operators' dashboard for the game: accounts (ban closes sockets), lives, people, content (validated)."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from game.engine.errors import ContentError
from game.models import AuthToken, Character, ContentEntry, ConversationLine, OfflineEvent, Person, Player
from game.services import accounts, content


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ("id", "email", "is_guest", "diamonds", "created_at", "banned_at")
    list_filter = ("is_guest", "banned_at")
    search_fields = ("=id", "user__email", "device_id")
    readonly_fields = (
        "user",
        "device_id",
        "is_guest",
        "diamonds",
        "created_at",
        "banned_at",
        "ban_reason",
        "deletion_requested_at",
        "permanent_deletion_at",
    )
    actions = ("ban_players", "unban_players")

    @admin.display(ordering="user__email")
    def email(self, obj: Player) -> str:
        return obj.user.email

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Player, form: object, change: bool) -> None:
        """Every field is read-only here: never write the row back (it would undo a concurrent purchase)."""

    @admin.action(description="Ban the selected players (closes their sockets)")
    def ban_players(self, request: HttpRequest, queryset: QuerySet) -> None:
        for player_id in queryset.values_list("pk", flat=True):
            accounts.ban(player_id=player_id, reason=f"banned by {request.user.get_username()}")
        messages.success(request, f"Banned {queryset.count()} player(s).")

    @admin.action(description="Lift the ban of the selected players")
    def unban_players(self, request: HttpRequest, queryset: QuerySet) -> None:
        for player_id in queryset.values_list("pk", flat=True):
            accounts.unban(player_id=player_id)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("id", "player", "created_at", "expires_at", "revoked_at")
    search_fields = ("=player__id",)
    readonly_fields = ("player", "key_hash", "created_at", "expires_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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

"""The admin of operator-editable content (core/content_store.py): every edit is validated as part of
the whole content before it is saved, and every process picks it up once it commits."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from core.content_store import ContentStore


class ContentDocumentForm(forms.ModelForm):
    store: ContentStore[Any]  # set by ContentDocumentAdmin.get_form

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            self.store.validate_edit(
                pk=self.instance.pk, kind=cleaned.get("kind", ""), key=cleaned.get("key", ""), data=cleaned.get("data")
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # ContentError is a ValueError
            raise forms.ValidationError(f"Invalid content: {exc}") from exc
        return cleaned


class ContentDocumentAdmin(admin.ModelAdmin):
    """Subclasses set `store`. Entries are removed through the files (`load_content`), not one by one
    in the admin, where a removal could leave the content incomplete for every player at once."""

    store: ContentStore[Any]
    form = ContentDocumentForm
    list_display = ("kind", "key", "updated_at")
    list_filter = ("kind",)
    search_fields = ("key", "kind")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"store": self.store})

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(self.store.bump)

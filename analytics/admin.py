"""Operators' dashboard for analytics: experiments (start, stop, variants while stopped, results with
their statistics and the audit trail), sessions, events and the daily roll-up (read only)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from analytics.models import DailyRollup, Event, Experiment, ExperimentChange, Session
from analytics.services import experiments, results
from core.errors import GameError
from core.readonly_admin import ReadOnlyAdmin, ReadOnlyInline


class ChangeInline(ReadOnlyInline):
    model = ExperimentChange
    fields = ("at", "by", "action", "before", "after")
    readonly_fields = fields


class ExperimentForm(forms.ModelForm):
    class Meta:
        model = Experiment
        fields = ("description", "variants", "metric_event", "metric_kind", "metric_property", "min_sample")
        help_texts = {
            "variants": 'A list in order, the control first: [{"name": "standard", "weight": 50}, ...]. '
            "Read only while the experiment runs: stop it to change them."
        }


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    form = ExperimentForm
    list_display = ("flag", "status", "variant_weights", "started_at", "stopped_at", "metric_event")
    list_filter = ("status",)
    actions = ("start_experiments", "stop_experiments")
    inlines = (ChangeInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Experiment | None = None) -> tuple[str, ...]:
        fixed = ("flag", "status", "started_at", "stopped_at", "results")
        if obj is not None and obj.status == Experiment.Status.RUNNING:
            return (*fixed, "variants")  # a running experiment's weights cannot change, silently or not
        return fixed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the flags are the code's (analytics/content/experiments.yaml)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="weights")
    def variant_weights(self, obj: Experiment) -> str:
        return " / ".join(f"{v['name']} {v['weight']}" for v in obj.variants)

    @admin.display(description="results")
    def results(self, obj: Experiment) -> SafeString:
        found = results.samples(obj)
        report = results.report(obj, found=found)
        return SafeString(
            render_to_string(
                "admin/analytics/experiment_results.html",
                {"experiment": obj, "report": report, "rows": results.as_rows(obj, report, found)},
            )
        )

    def save_model(self, request: HttpRequest, obj: Experiment, form: Any, change: bool) -> None:
        """Through the service: the variants' change is refused while running and written in the trail."""
        variants = form.cleaned_data.get("variants", obj.variants)
        fields = ["description", "metric_event", "metric_kind", "metric_property", "min_sample"]
        try:
            if "variants" in form.changed_data:
                experiments.set_variants(flag=obj.flag, variants=variants, by=request.user.get_username())
            experiments.set_details(
                flag=obj.flag, by=request.user.get_username(), **{f: form.cleaned_data[f] for f in fields}
            )
        except GameError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)

    @admin.action(description="Start the selected experiments")
    def start_experiments(self, request: HttpRequest, queryset: QuerySet[Experiment]) -> None:
        for e in queryset:
            try:
                experiments.start(flag=e.flag, by=request.user.get_username())
            except GameError as exc:
                self.message_user(request, f"{e.flag}: {exc.message}", level=messages.ERROR)

    @admin.action(description="Stop the selected experiments (everyone gets the control)")
    def stop_experiments(self, request: HttpRequest, queryset: QuerySet[Experiment]) -> None:
        for e in queryset:
            experiments.stop(flag=e.flag, by=request.user.get_username())


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = (
        "key",
        "player_id",
        "platform",
        "started_at",
        "ended_at",
        "ended_by",
        "duration_seconds",
        "event_count",
    )
    list_filter = ("platform", "ended_by")
    search_fields = ("=player__id", "=key")
    date_hierarchy = "started_at"


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("name", "player_id", "session_id", "at", "properties")
    list_filter = ("name",)
    search_fields = ("=player__id",)
    date_hierarchy = "at"


@admin.register(DailyRollup)
class DailyRollupAdmin(ReadOnlyAdmin):
    list_display = ("day", "name", "events", "players")
    list_filter = ("name",)
    date_hierarchy = "day"

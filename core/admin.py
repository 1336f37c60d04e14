"""Operators' view of the periodic jobs' runs: one row per job and period (core/jobclaims.py)."""

from django.contrib import admin

from core.models import JobRun
from core.readonly_admin import ReadOnlyAdmin


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "period", "status", "started_at", "finished_at", "attempts", "worker", "result")
    list_filter = ("status", "job")
    date_hierarchy = "started_at"
    ordering = ("-started_at",)

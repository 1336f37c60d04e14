"""Core's periodic jobs: each calls one service."""

from celery import shared_task

from core import jobclaims, perf
from core.jobs import periodic


@shared_task
@periodic("perf-report", every_seconds=6 * 3600)
def perf_report() -> str:
    """Every server process's timings, merged, written under PERF_REPORT_DIR and logged."""
    return str(perf.write_report())


@shared_task
@periodic("purge-job-runs", every_seconds=24 * 3600)
def purge_job_runs() -> int:
    """The periodic jobs' claims are needed for a period and a little after (core/jobclaims.py)."""
    return jobclaims.purge()

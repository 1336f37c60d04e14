"""Shapes shared by several apps' models (abstract: each app owns its own table)."""

from django.db import models


class ContentDocument(models.Model):
    """One piece of operator-editable content (an event, a job, a price...): `kind` is its section,
    `key` its id within the section, `data` the entry as the content file writes it.

    The files are the versioned source; the database copy is what the game runs on, so an
    operator's admin edit takes effect without a deploy (core/content_store.py).
    """

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=100)
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["kind", "key"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class JobRun(models.Model):
    """The claim of one periodic job for one period: a second beat, a retried task or a redelivered one
    finds it and does not run the job again (core/jobclaims.py). `lease_until`: a run not finished by then
    is presumed dead (its worker killed) and may be taken over."""

    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        ABANDONED = "abandoned"  # its worker died and a later period's run did the work

    job = models.CharField(max_length=64)
    period = models.BigIntegerField()  # seconds since the epoch // the job's interval
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    lease_until = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    worker = models.CharField(max_length=100, blank=True)  # host:pid of the last attempt
    result = models.TextField(blank=True)  # the job's return value (or the error), shortened

    class Meta:
        db_table = "job_runs"
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="job_run_unique_period")]
        indexes = [models.Index(fields=["status", "lease_until"], name="job_run_status_lease")]

    def __str__(self) -> str:
        return f"{self.job}#{self.period}: {self.status}"

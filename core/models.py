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

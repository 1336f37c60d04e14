"""The Celery app: worker (`celery -A baolife worker`) and beat (`celery -A baolife beat`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baolife.settings.local")

app = Celery("baolife")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule(sender: Celery, **kwargs: object) -> None:
    from core.jobs import beat_schedule

    sender.conf.beat_schedule = beat_schedule()

"""Work that must not hold a socket: a Celery task in production, a thread of this process in the embedded
default (no worker runs there), started once the caller's transaction commits."""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction

from core.reporting import report_exception

logger = logging.getLogger("baolife.jobs")


def _in_thread(fn: Callable[..., Any], args: tuple) -> None:
    try:
        fn(*args)
    except Exception as exc:  # the periodic sweep retries what failed here
        report_exception(exc, player_id=None, where=f"background {fn.__name__}")
    finally:
        close_old_connections()


def run_later(task: Any, *args: Any) -> None:
    """After commit, run Celery task `task` with `args`: queued to the workers, or here in a daemon thread."""

    def start() -> None:
        if settings.RUN_JOBS_IN_PROCESS:
            threading.Thread(target=_in_thread, args=(task.run, args), daemon=True, name=task.name).start()
        else:
            task.delay(*args)

    transaction.on_commit(start, robust=True)

"""Run a unit of work again when the database ended its transaction to break a deadlock.

MariaDB picks a victim among transactions that wait on each other (error 1213) and rolls it back:
the work did nothing, so doing it again is safe and usually succeeds. Only a whole unit of work
(a verb's handler, outside any transaction) is retried; inside a transaction the error propagates.
"""

import functools
import random
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection

DEADLOCK = 1213  # ER_LOCK_DEADLOCK: the transaction was rolled back
ATTEMPTS = 3


def is_deadlock(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and bool(exc.args) and exc.args[0] == DEADLOCK


def retry_on_deadlock(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                if attempt == ATTEMPTS or not is_deadlock(exc) or connection.in_atomic_block:
                    raise
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")

    return run

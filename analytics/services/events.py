"""Recording analytics events: the one function the other apps call.

`record` never touches the database: the event waits in this process's buffer (buffer.py). Recorded
inside a transaction, it joins the buffer only when that transaction commits, so a purchase rolled
back is not an event.
"""

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analytics import catalogue
from analytics.services import buffer, sessions


def record(name: str, *, player_id: int | None, **properties: Any) -> None:
    """Record `name` (from the catalogue) for `player_id` with JSON-ready `properties`."""
    if not settings.ANALYTICS_ENABLED:
        return
    catalogue.check(name, properties)
    json.dumps(properties, allow_nan=False)  # strict JSON here, where the bug is, not in a batch later
    event = buffer.Pending(
        name=name,
        player_id=player_id,
        session_id=sessions.current(player_id),
        properties=properties,
        at=timezone.now(),
    )
    transaction.on_commit(lambda: buffer.add(event))

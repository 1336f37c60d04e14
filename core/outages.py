"""Known outages of a dependency (Redis, the database server) told apart from our own bugs.

A dependency that is down gets a clear, retryable answer (`unavailable`, HTTP 503 with
`Retry-After`, or close code 1013 on a socket that cannot be served), never `internal`.
"""

import redis
from django.db import utils as db_utils

from core.errors import GameError

RETRY_AFTER_SECONDS = 5
WS_TRY_AGAIN_LATER = 1013  # RFC 6455: the server cannot serve the socket now; retry later

# MySQL client errors meaning "no server": can't connect (2002, 2003), gone away (2006),
# lost the connection (2013), and MariaDB's "server has gone away" on a closed socket (2055).
_MYSQL_CONNECTION_ERRORS = {2002, 2003, 2006, 2013, 2055}
_MYSQL_DEADLOCK = 1213


def is_outage(exc: BaseException) -> bool:
    """True when `exc` says a dependency is unreachable (not a bug, not bad input)."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        exc = found
        seen.add(id(exc))
        if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            return True
        if isinstance(exc, ConnectionRefusedError | ConnectionResetError):
            return True
        if isinstance(exc, db_utils.OperationalError | db_utils.InterfaceError) and exc.args:
            if exc.args[0] in _MYSQL_CONNECTION_ERRORS or exc.args[0] == _MYSQL_DEADLOCK:
                return True  # a deadlock still there after the retries (core/dbretry.py): try again later
        found = exc.__cause__ or exc.__context__
    return False


def unavailable(what: str = "A service the game needs is down", retry_after: float = RETRY_AFTER_SECONDS) -> GameError:
    """The protocol's retryable refusal for an outage."""
    return GameError("unavailable", f"{what}; try again shortly.", retry_after=retry_after)

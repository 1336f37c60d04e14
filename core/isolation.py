"""A transaction at REPEATABLE READ on MySQL/MariaDB, whatever the connection's default (READ COMMITTED here).

One consistent snapshot for a whole transaction: an export reads every table as of one moment, and a hard
deletion's batch sees the rows it chose unchanged until it commits. SQLite's transactions are serializable.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def repeatable_read(using: str = "default") -> Iterator[None]:
    """`transaction.atomic()` whose transaction runs at REPEATABLE READ (MySQL applies `SET TRANSACTION` to the
    next transaction only, so it must come before the first statement: an outer transaction keeps its own)."""
    connection = transaction.get_connection(using)
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "mysql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield

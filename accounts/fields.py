"""A text column compared byte for byte on every database.

MariaDB's usual collations compare case- and accent-insensitively (`bucher` = `Bücher`), so a
unique index on such a column refuses addresses that are really different and a lookup finds
the wrong row. The sign-in email is normalised in Python (trimmed, case-folded) and must then
be compared exactly: the binary collation on MySQL/MariaDB, SQLite's default (BINARY) elsewhere.
"""

from typing import Any

from django.db import models


class ExactCharField(models.CharField):
    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "mysql":
            params["collation"] = "utf8mb4_bin"
        return params

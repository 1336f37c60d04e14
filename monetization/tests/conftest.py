import pytest
from django.db import connection


@pytest.fixture
def on_mysql() -> bool:
    return connection.vendor == "mysql"

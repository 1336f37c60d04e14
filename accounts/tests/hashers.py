"""A password hasher that counts how often a password is hashed (the costly step of a sign-in)."""

import threading

from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0
    inside_transaction = 0  # hashes made while the thread's connection held a transaction open
    _lock = threading.Lock()

    def encode(self, password: str, salt: str) -> str:
        with CountingHasher._lock:
            CountingHasher.calls += 1
            CountingHasher.inside_transaction += connection.in_atomic_block
        return super().encode(password, salt)

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.calls = 0
            cls.inside_transaction = 0

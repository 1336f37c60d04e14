"""A password hasher that counts how often a password is hashed (the costly step of a sign-in)."""

import threading

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0
    _lock = threading.Lock()

    def encode(self, password: str, salt: str) -> str:
        with CountingHasher._lock:
            CountingHasher.calls += 1
        return super().encode(password, salt)

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.calls = 0

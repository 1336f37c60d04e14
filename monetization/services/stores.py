"""The configured store verifiers, built once per process (they read certificate and key files)."""

from functools import lru_cache

from monetization.stores.apple import AppleVerifier, apple_verifier_from_settings
from monetization.stores.google import GoogleVerifier, google_verifier_from_settings


@lru_cache(maxsize=1)
def apple() -> AppleVerifier:
    return apple_verifier_from_settings()


@lru_cache(maxsize=1)
def google() -> GoogleVerifier:
    return google_verifier_from_settings()


def reset() -> None:
    """Forget the built verifiers (settings changed: tests, a rotated key)."""
    apple.cache_clear()
    google.cache_clear()

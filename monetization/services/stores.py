"""The configured store verifiers, built once per process (they read certificate and key files).

A store this server does not offer (STORES), or offers without its settings, answers
`unavailable` with a message saying so, never a crash; start-up warns once and
`check --deploy` reports it (monetization/checks.py).
"""

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.errors import GameError
from monetization.stores.apple import AppleVerifier, apple_verifier_from_settings
from monetization.stores.google import GoogleVerifier, google_verifier_from_settings

logger = logging.getLogger("baolife.economy")
NAMES = {"apple": "The App Store", "google": "Google Play"}
NOT_CONFIGURED_RETRY_SECONDS = 3600  # an operator has to act: not worth a client's quick retry


def missing_settings(store: str) -> list[str]:
    """The settings a store needs that are empty (an empty list: configured)."""
    if store == "apple":
        needed = {
            "APPLE_ROOT_CERTIFICATES": settings.APPLE_ROOT_CERTIFICATES,
            "APPLE_BUNDLE_ID": settings.APPLE_BUNDLE_ID,
        }
    else:
        needed = {
            "GOOGLE_PLAY_PACKAGE_NAME": settings.GOOGLE_PLAY_PACKAGE_NAME,
            "GOOGLE_PLAY_SERVICE_ACCOUNT_FILE": settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE,
        }
    return [name for name, value in needed.items() if not value]


def _not_offered(store: str, why: str) -> GameError:
    return GameError("unavailable", f"{NAMES[store]} {why} on this server.", retry_after=NOT_CONFIGURED_RETRY_SECONDS)


def _require(store: str) -> None:
    if store not in settings.STORES:
        raise _not_offered(store, "is not offered")
    if missing_settings(store):
        raise _not_offered(store, "is not configured")


@lru_cache(maxsize=1)
def _apple() -> AppleVerifier:
    return apple_verifier_from_settings()


@lru_cache(maxsize=1)
def _google() -> GoogleVerifier:
    return google_verifier_from_settings()


def _verifier(store: str, build: Callable[[], Any]) -> Any:
    _require(store)
    try:
        return build()
    except ImproperlyConfigured as exc:
        logger.error("%s verifier not built: %s", NAMES[store], exc)
        raise _not_offered(store, "is not configured correctly") from exc


def apple() -> AppleVerifier:
    return _verifier("apple", _apple)


def google() -> GoogleVerifier:
    return _verifier("google", _google)


def warn_unconfigured() -> None:
    """Once at start-up: say which offered stores cannot take purchases."""
    for store in settings.STORES:
        if store in NAMES and missing_settings(store):
            logger.warning(
                "%s is not configured (%s): its purchases answer `unavailable`.",
                NAMES[store],
                ", ".join(missing_settings(store)),
            )


def reset() -> None:
    """Forget the built verifiers (settings changed: tests, a rotated key)."""
    _apple.cache_clear()
    _google.cache_clear()

"""Unexpected failures: logged with the player, reported to Sentry, named by a `ref`."""

import logging
import uuid

import sentry_sdk

logger = logging.getLogger("baolife.errors")


def report_exception(exc: BaseException, *, player_id: int | None, where: str) -> str:
    """Log and report `exc`; return the reference an operator can search for."""
    event_id = sentry_sdk.capture_exception(exc)
    ref = event_id or uuid.uuid4().hex
    logger.error(
        "unhandled error in %s (ref %s, player %s)",
        where,
        ref,
        player_id,
        exc_info=exc,
        extra={"ref": ref, "player_id": player_id},
    )
    return ref

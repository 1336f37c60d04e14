"""Who is online: a cache key per player, set by the sockets of every process and refreshed.

A socket marks its player online on sign-in; each process re-marks its players every 30 s
(and on traffic), and keys expire after 90 s, so a crashed process's players fall offline.
"""

import time

from django.core.cache import cache

TTL_SECONDS = 90
REFRESH_SECONDS = 30
_local: dict[int, int] = {}  # player id -> open sockets in this process
_refreshed: dict[int, float] = {}


def _key(player_id: int) -> str:
    return f"online:{player_id}"


def socket_opened(player_id: int) -> None:
    _local[player_id] = _local.get(player_id, 0) + 1
    _refreshed[player_id] = time.monotonic()
    cache.set(_key(player_id), 1, timeout=TTL_SECONDS)


def socket_closed(player_id: int) -> None:
    left = _local.get(player_id, 0) - 1
    if left > 0:
        _local[player_id] = left
        return
    _local.pop(player_id, None)
    _refreshed.pop(player_id, None)
    cache.delete(_key(player_id))  # another process's sockets re-mark it within REFRESH_SECONDS


def touch(player_id: int) -> None:
    """Re-mark on traffic, at most every REFRESH_SECONDS (cheap enough for the hot path)."""
    now = time.monotonic()
    if now - _refreshed.get(player_id, 0.0) >= REFRESH_SECONDS and player_id in _local:
        _refreshed[player_id] = now
        cache.set(_key(player_id), 1, timeout=TTL_SECONDS)


def refresh_local() -> None:
    """Heartbeat: re-mark every player with a socket in this process."""
    players = list(_local)  # a copy: sockets open and close while this runs
    if players:
        now = time.monotonic()
        cache.set_many({_key(pid): 1 for pid in players}, timeout=TTL_SECONDS)
        for pid in players:
            _refreshed[pid] = now


def online_among(player_ids: list[int]) -> set[int]:
    if not player_ids:
        return set()
    found = cache.get_many([_key(pid) for pid in player_ids])
    return {pid for pid in player_ids if _key(pid) in found}


def is_online(player_id: int) -> bool:
    return cache.get(_key(player_id)) is not None


def reset() -> None:
    """Forget this process's sockets (tests)."""
    _local.clear()
    _refreshed.clear()

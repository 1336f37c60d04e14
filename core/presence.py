"""Who is online: each process says which players it holds sockets for.

With Redis, a player's key is a hash with one field per process that holds a socket of theirs
(so one process closing its last socket does not hide a socket on another), refreshed every
30 s and on traffic, expiring after 90 s (a crashed process's players fall offline by
themselves). In the embedded default there is one process, so its own count is the truth.
"""

import os
import socket
import time

from django.conf import settings

TTL_SECONDS = 90
REFRESH_SECONDS = 30
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"
_local: dict[int, int] = {}  # player id -> open sockets in this process
_refreshed: dict[int, float] = {}


def _redis():  # noqa: ANN202 - the shared client of core.ratelimit, None without REDIS_URL
    from core.ratelimit import shared_buckets

    return shared_buckets._client()


def _key(player_id: int) -> str:
    return f"{settings.REDIS_KEY_PREFIX}:online:{player_id}"


def _mark(player_ids: list[int]) -> None:
    client = _redis()
    if client is None or not player_ids:
        return
    now = time.monotonic()
    pipe = client.pipeline(transaction=False)
    for pid in player_ids:
        pipe.hset(_key(pid), _PROCESS, int(time.time()))
        pipe.expire(_key(pid), TTL_SECONDS)
        _refreshed[pid] = now
    pipe.execute()


def socket_opened(player_id: int) -> None:
    _local[player_id] = _local.get(player_id, 0) + 1
    _mark([player_id])


def socket_closed(player_id: int) -> None:
    left = _local.get(player_id, 0) - 1
    if left > 0:
        _local[player_id] = left
        return
    _local.pop(player_id, None)
    _refreshed.pop(player_id, None)
    client = _redis()
    if client is not None:
        client.hdel(_key(player_id), _PROCESS)  # only this process's claim: others keep theirs


def touch(player_id: int) -> None:
    """Re-mark on traffic, at most every REFRESH_SECONDS (cheap enough for the hot path)."""
    if player_id in _local and time.monotonic() - _refreshed.get(player_id, 0.0) >= REFRESH_SECONDS:
        _mark([player_id])


def refresh_local() -> None:
    """Heartbeat: re-mark every player with a socket in this process."""
    _mark(list(_local))  # a copy: sockets open and close while this runs


def online_among(player_ids: list[int]) -> set[int]:
    client = _redis()
    if client is None:
        return {pid for pid in player_ids if pid in _local}
    if not player_ids:
        return set()
    pipe = client.pipeline(transaction=False)
    for pid in player_ids:
        pipe.exists(_key(pid))
    return {pid for pid, found in zip(player_ids, pipe.execute(), strict=True) if found}


def is_online(player_id: int) -> bool:
    return bool(online_among([player_id]))


def reset() -> None:
    """Forget this process's sockets (tests)."""
    _local.clear()
    _refreshed.clear()

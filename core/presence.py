"""Who is online, and how many sockets each player holds, over every process.

With Redis, a player's key is a hash with one field per process that holds sockets of theirs,
valued `count|unix time` (so one process closing its last socket does not hide a socket on
another), refreshed every 30 s and on traffic, expiring after 90 s (a crashed process's players
fall offline by themselves; its stale field is not counted). Opening a socket is a claim checked
against WS_MAX_SOCKETS_PER_PLAYER in one Lua script, so parallel opens on several processes
cannot pass the cap together. In the embedded default there is one process: its counts are the truth.
"""

import os
import socket
import threading
import time

import redis
from django.conf import settings

from core import redis as shared_redis

TTL_SECONDS = 90
REFRESH_SECONDS = 30
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"
_lock = threading.Lock()
_local: dict[int, int] = {}  # player id -> open sockets in this process
_refreshed: dict[int, float] = {}

# KEYS[1] the player's hash; ARGV: this process, the cap, now, the stale age, the key's TTL.
_LUA_CLAIM = """
local total = 0
local mine = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local count, stamp = string.match(fields[i + 1], '^(%d+)|(%d+)$')
  count = tonumber(count) or 1
  stamp = tonumber(stamp) or tonumber(fields[i + 1]) or 0
  if fields[i] == ARGV[1] then
    mine = count
  elseif tonumber(ARGV[3]) - stamp > tonumber(ARGV[4]) then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    total = total + count
  end
end
if total + mine >= tonumber(ARGV[2]) then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], tostring(mine + 1) .. '|' .. ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
return total + mine + 1
"""


def _key(player_id: int) -> str:
    return shared_redis.key("online", player_id)


def _mark(player_ids: list[int]) -> None:
    client = shared_redis.client()
    if client is None or not player_ids:
        return
    now = time.monotonic()
    stamp = int(time.time())
    pipe = client.pipeline(transaction=False)
    for pid in player_ids:
        count = _local.get(pid)
        if not count:
            continue
        pipe.hset(_key(pid), _PROCESS, f"{count}|{stamp}")
        pipe.expire(_key(pid), TTL_SECONDS)
        _refreshed[pid] = now
    pipe.execute()


def socket_opened(player_id: int) -> bool:
    """Claim one more socket for the player; False (nothing claimed) past WS_MAX_SOCKETS_PER_PLAYER."""
    cap = settings.WS_MAX_SOCKETS_PER_PLAYER
    client = shared_redis.client()
    with _lock:
        if client is None:
            if _local.get(player_id, 0) >= cap:
                return False
        else:
            # the local count moves under the lock, so this process's claims never race each other
            got = client.eval(_LUA_CLAIM, 1, _key(player_id), _PROCESS, cap, int(time.time()), TTL_SECONDS,
                              TTL_SECONDS)
            if int(got) < 0:
                return False
            _refreshed[player_id] = time.monotonic()
        _local[player_id] = _local.get(player_id, 0) + 1
    return True


def socket_closed(player_id: int) -> None:
    client = shared_redis.client()
    with _lock:
        left = _local.get(player_id, 0) - 1
        if left > 0:
            _local[player_id] = left
        else:
            _local.pop(player_id, None)
            _refreshed.pop(player_id, None)
    if client is None:
        return
    if left > 0:
        client.hset(_key(player_id), _PROCESS, f"{left}|{int(time.time())}")
    else:
        client.hdel(_key(player_id), _PROCESS)  # only this process's claim: others keep theirs


def touch(player_id: int) -> None:
    """Re-mark on traffic, at most every REFRESH_SECONDS (cheap enough for the hot path)."""
    if player_id in _local and time.monotonic() - _refreshed.get(player_id, 0.0) >= REFRESH_SECONDS:
        if not shared_redis.available():
            return  # Redis failed a moment ago: the heartbeat re-marks once it is back
        try:
            _mark([player_id])
        except redis.exceptions.RedisError:
            shared_redis.mark_down()


def refresh_local() -> None:
    """Heartbeat: re-mark every player with a socket in this process (also after a Redis restart)."""
    _mark(list(_local))  # a copy: sockets open and close while this runs


def online_among(player_ids: list[int]) -> set[int]:
    client = shared_redis.client()
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
    with _lock:
        _local.clear()
        _refreshed.clear()

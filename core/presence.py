"""Who is online, and how many sockets each player holds, over every process.

With Redis, a player's key is a hash with one field per process that holds sockets of theirs,
valued `count|unix time` (so one process closing its last socket does not hide a socket on
another), refreshed every 30 s and on traffic, expiring after 90 s (a crashed process's players
fall offline by themselves; its stale field is not counted). Opening a socket is a claim checked
against WS_MAX_SOCKETS_PER_PLAYER in one Lua script, so parallel opens on several processes
cannot pass the cap together. In the embedded default there is one process: its counts are the truth.
"""

import logging
import threading
import time

import redis
from django.conf import settings

from core import redis as shared_redis

TTL_SECONDS = 90
REFRESH_SECONDS = 30
_PROCESS = shared_redis.PROCESS
logger = logging.getLogger("baolife.ws")
_lock = threading.Lock()
_local: dict[int, int] = {}  # player id -> open sockets in this process
_refreshed: dict[int, float] = {}

# KEYS[1] the player's hash; ARGV: this process, its own count (the truth, kept in memory), the
# cap, now, the stale age, the key's TTL. Other processes' fields count unless stale.
_LUA_CLAIM = """
local total = tonumber(ARGV[2])
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if fields[i] ~= ARGV[1] then
    local count, stamp = string.match(fields[i + 1], '^(%d+)|(%d+)$')
    count = tonumber(count) or 1
    stamp = tonumber(stamp) or tonumber(fields[i + 1]) or 0
    if tonumber(ARGV[4]) - stamp > tonumber(ARGV[5]) then
      redis.call('HDEL', KEYS[1], fields[i])
    else
      total = total + count
    end
  end
end
if total >= tonumber(ARGV[3]) then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], tostring(tonumber(ARGV[2]) + 1) .. '|' .. ARGV[4])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
return total + 1
"""


def _key(player_id: int) -> str:
    return shared_redis.key("online", player_id)


def _mark(player_ids: list[int], client: redis.Redis | None) -> None:
    if client is None or not player_ids:
        return
    now = time.monotonic()
    stamp = int(time.time())
    with _lock:  # the counts written are the ones in memory at this moment
        counts = {pid: _local[pid] for pid in player_ids if _local.get(pid)}
    pipe = client.pipeline(transaction=False)
    for pid, count in counts.items():
        pipe.hset(_key(pid), _PROCESS, f"{count}|{stamp}")
        pipe.expire(_key(pid), TTL_SECONDS)
        _refreshed[pid] = now
    pipe.execute()


def socket_opened(player_id: int) -> bool:
    """Claim one more socket for the player; False (nothing claimed) past WS_MAX_SOCKETS_PER_PLAYER.

    Runs off the event loop (the sign-in's database thread). This process's count lives in memory
    and moves under a lock together with its Redis field, so its claims never race each other.
    """
    cap = settings.WS_MAX_SOCKETS_PER_PLAYER
    client = shared_redis.client()
    with _lock:
        mine = _local.get(player_id, 0)
        if client is None:
            if mine >= cap:
                return False
        else:
            try:
                got = client.eval(
                    _LUA_CLAIM, 1, _key(player_id), _PROCESS, mine, cap, int(time.time()), TTL_SECONDS, TTL_SECONDS
                )
            except redis.exceptions.RedisError:
                shared_redis.mark_down()
                raise
            if int(got) < 0:
                return False
            _refreshed[player_id] = time.monotonic()
        _local[player_id] = mine + 1
    return True


def socket_closed(player_id: int) -> None:
    """Give the claim back (off the event loop). If Redis fails, the field is rewritten by the
    heartbeat or expires with the key: the count in memory is already right."""
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
        try:
            if left > 0:
                client.hset(_key(player_id), _PROCESS, f"{left}|{int(time.time())}")
            else:
                client.hdel(_key(player_id), _PROCESS)  # only this process's claim: others keep theirs
        except redis.exceptions.RedisError as exc:  # stale for at most TTL_SECONDS: the claim expires
            shared_redis.mark_down()
            logger.warning("presence: claim of player %s not given back (%s)", player_id, type(exc).__name__)


def touch(player_id: int) -> None:
    """Re-mark on traffic, at most every REFRESH_SECONDS (cheap enough for the hot path)."""
    if player_id in _local and time.monotonic() - _refreshed.get(player_id, 0.0) >= REFRESH_SECONDS:
        if not shared_redis.available():
            return  # Redis failed a moment ago: the heartbeat re-marks once it is back
        try:
            _mark([player_id], shared_redis.fast_client())  # on the event loop: fail fast
        except redis.exceptions.RedisError:
            shared_redis.mark_down()


def refresh_local() -> None:
    """Heartbeat: re-mark every player with a socket in this process (also after a Redis restart)."""
    try:
        _mark(list(_local), shared_redis.client())  # a copy: sockets open and close while this runs
    except redis.exceptions.RedisError:
        shared_redis.mark_down()
        raise
    shared_redis.mark_up()


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

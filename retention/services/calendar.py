"""The player's day: a calendar day in the player's own time zone (an IANA name on the account, UTC
until set). Daily rewards and quests reset at the player's local midnight; replies carry
`next_reset_at` and `server_now` so clients never compute resets themselves."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.db import transaction

from accounts.models import Player
from core.errors import GameError

_ZONES: frozenset[str] | None = None


def zone(name: str | None) -> ZoneInfo:
    """The zone of a stored name (UTC for an unknown one: a zone database update must not lock a player out)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(moment: datetime, zone_name: str | None) -> date:
    return moment.astimezone(zone(zone_name)).date()


def next_midnight(moment: datetime, zone_name: str | None) -> datetime:
    """The next local midnight after `moment` (DST-aware: a local day may last 23 or 25 hours)."""
    tz = zone(zone_name)
    tomorrow = moment.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=tz)


NOT_PLACES = {"localtime", "Factory", "posixrules"}  # the server's own zone, placeholders: no player's day


def known_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(
            z for z in available_timezones() if z not in NOT_PLACES and not z.startswith(("posix/", "right/"))
        )
    return _ZONES


def set_time_zone(*, player_id: int, name: str) -> dict[str, str]:
    """Set the player's time zone (an IANA name such as `Europe/Paris`). Changing it never gives a
    second daily reward in one day: a claim also waits for the local midnight of the zone it was made in."""
    if name not in known_zones():
        raise GameError("bad_request", f"{name!r} is not a time zone name (e.g. Europe/Paris).", fields=["time_zone"])
    with transaction.atomic():
        Player.objects.filter(pk=player_id).update(time_zone=name)
    return {"time_zone": name}

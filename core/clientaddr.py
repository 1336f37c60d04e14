"""The client's address, the one every per-address limit uses.

Behind a proxy the peer is the proxy; the client is in `X-Forwarded-For`. Each proxy appends
the address it saw, so only the hops our own proxies appended can be believed: walking the
header from the right, skipping TRUSTED_PROXIES, the first other address is the client
(the "rightmost untrusted hop"). Anything left of it was written by the client and is ignored.
With no trusted proxy (the default) the header is ignored altogether.

An IPv6 client is counted by its /64 network: one subscriber usually holds a whole /64, and
counting single addresses there would give anyone 2^64 tries.
"""

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is None:
        return False
    return any(address in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def _limit_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_address(peer: str | None, forwarded_for: str | None) -> str:
    """The client's address (an IPv6 client's /64) from the peer and the `X-Forwarded-For` header."""
    parsed = _parse(peer or "")
    peer = _limit_key(parsed) if parsed else (peer or "unknown")
    if not forwarded_for or not _trusted(parsed):
        return peer
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return peer  # a hop no proxy of ours would write: believe only the peer
        if not _trusted(address):
            return _limit_key(address)
    first = _parse(hops[0]) if hops else None
    return _limit_key(first) if first else peer  # every hop is one of ours: the request came from inside


def request_ip(request: HttpRequest) -> str:
    return client_address(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR"))


def scope_ip(scope: dict[str, Any]) -> str:
    """The same for an ASGI scope (the WebSocket handshake)."""
    client = scope.get("client")
    peer = client[0] if client else None
    forwarded = None
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            forwarded = value.decode("latin1") if forwarded is None else f"{forwarded},{value.decode('latin1')}"
    return client_address(peer, forwarded)


def axes_client_ip(request: HttpRequest) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the admin login is limited by the same address."""
    return request_ip(request)

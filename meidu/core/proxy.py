"""The client's address behind our own load balancers: X-Forwarded-For, believed only from them.

Behind a load balancer every request reaches Django from the balancer's address. Login and
phone-code throttles, registration and anonymous-checkout limits and audit rows count by
``REMOTE_ADDR``: unchanged, one client's failures would lock every buyer out, and every buyer's
would count against one address. The header itself is written by whoever sends the request, so it
is read only when ``REMOTE_ADDR`` is inside ``TRUSTED_PROXIES`` (CIDR networks: the balancers'),
walking it from the right past trusted hops: the first hop that is not a trusted proxy is the
client (a client that writes its own X-Forwarded-For only adds hops on the left, which are never
reached). Without TRUSTED_PROXIES nothing changes and the header is ignored.

The middleware rewrites ``REMOTE_ADDR``, so every reader (throttles, the GraphQL context, audit)
sees the client without knowing about proxies.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def trusted_networks() -> tuple:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address.version == net.version and address in net for net in networks)


def client_address(remote_addr: str, forwarded_for: str, networks: tuple) -> str:
    """The client's address: ``remote_addr`` unless it is a trusted proxy, else the right-most hop of
    ``forwarded_for`` that is not one (the left-most when all are; the nearest trusted hop when the
    header holds something that is not an address)."""
    nearest = _address(remote_addr)
    if not _trusted(nearest, networks):
        return remote_addr
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break
        nearest = address
        if not _trusted(address, networks):
            break
    return str(nearest)


class TrustedProxyMiddleware:
    """Put the client's address in REMOTE_ADDR when the request came through a trusted proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        networks = trusted_networks()
        if networks:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""), request.META.get(FORWARDED_FOR, ""), networks
            )
        return self.get_response(request)

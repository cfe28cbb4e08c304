"""Where a webhook may point: public addresses only, unless an operator allowed a network.

A partner's URL must never make our servers call themselves or the private network
(cloud metadata at 169.254.169.254, loopback, RFC 1918 ranges, ...). The rule is checked when an
app registers the target and again at every delivery, on the very address the socket connects
to (meidu.integrations.transport), because a name may resolve elsewhere later (DNS rebinding).
WEBHOOK_ALLOWED_NETWORKS lists the networks allowed anyway (on-premise partners; loopback in
demo and test).
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlparse

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def allowed_networks() -> tuple:
    return _networks(tuple(settings.WEBHOOK_ALLOWED_NETWORKS))


def address_allowed(address: IPAddress | str) -> bool:
    """A public unicast address, or one inside WEBHOOK_ALLOWED_NETWORKS."""
    ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    if any(ip.version == net.version and ip in net for net in allowed_networks()):
        return True
    return ip.is_global and not ip.is_multicast


def host_addresses(host: str, port: int | None) -> list[str]:
    """Every address ``host`` resolves to now (an IP literal resolves to itself); raises socket.gaierror."""
    infos = socket.getaddrinfo(host, port or 0, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def forbidden_addresses(host: str, port: int | None) -> list[str]:
    """The addresses of ``host`` that a webhook may not reach; [] when it does not resolve (yet):
    the delivery checks again on the address it connects to."""
    try:
        addresses = host_addresses(host, port)
    except (socket.gaierror, UnicodeError):
        return []
    return [address for address in addresses if not address_allowed(address)]


def target_url_forbidden_addresses(url: str) -> list[str]:
    parsed = urlparse(url)
    try:
        port = parsed.port
    except ValueError:
        port = None
    return forbidden_addresses(parsed.hostname or "", port)

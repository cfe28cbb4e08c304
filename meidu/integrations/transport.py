"""The HTTP session webhooks are sent with: it connects only to addresses the target policy allows.

The check runs when the socket is opened, on the addresses resolved for that very connection, so a
name that resolved to a public address at registration and to 127.0.0.1 now (DNS rebinding) is
refused. TLS still verifies the certificate against the name. Proxies from the environment are
ignored (a proxy would connect on our behalf, unchecked) and redirects are never followed.
"""

from __future__ import annotations

import socket

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from meidu.integrations.policies import address_allowed, host_addresses


class ForbiddenTargetError(NewConnectionError):
    """The target resolves to an address webhooks may not reach."""


def _guarded_new_conn(conn) -> socket.socket:
    try:
        addresses = host_addresses(conn._dns_host, conn.port)
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    forbidden = [address for address in addresses if not address_allowed(address)]
    if forbidden:
        raise ForbiddenTargetError(
            conn, f"{conn.host} resolves to an address webhooks may not reach ({', '.join(forbidden)})"
        )
    last_error: OSError | None = None
    for address in addresses:  # every one was checked; connect to exactly these, no second lookup
        try:
            return urllib3_connection.create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except socket.timeout as exc:
            raise ConnectTimeoutError(
                conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
            ) from exc
        except OSError as exc:
            last_error = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last_error}")


class GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_new_conn(self)


class GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_new_conn(self)


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }


def webhook_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def forbidden_target(exc: requests.RequestException) -> bool:
    """Whether a failed request was refused by the target policy (no point retrying it)."""
    seen, error = set(), exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ForbiddenTargetError):
            return True
        error = getattr(error, "reason", None) or (
            error.args[0] if error.args and isinstance(error.args[0], BaseException) else None
        )
    return False

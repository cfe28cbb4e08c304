"""DATABASE_URL to Django's settings and back.

The embedded PostgreSQL listens on a Unix socket and pgserver writes its URL as
``postgresql://postgres:@/meidu?host=/path/to/socket``: dj-database-url leaves HOST empty and puts
the socket in OPTIONS. A child process (Celery worker, gunicorn, a test's second process) given a
URL rebuilt from HOST alone would then reach the machine's PostgreSQL on its default socket. So the
socket is kept in HOST, and ``database_url`` rebuilds a URL that reaches the same server.
"""

from __future__ import annotations

from urllib.parse import quote

import dj_database_url


def database_settings(url: str, conn_max_age: int = 0) -> dict:
    """Django's DATABASES entry for a URL, with a socket directory given as ``?host=`` in HOST."""
    db = dj_database_url.parse(url, conn_max_age=conn_max_age)
    options = db.setdefault("OPTIONS", {})
    if not db.get("HOST") and options.get("host"):
        db["HOST"] = options.pop("host")
    if not db.get("PORT") and options.get("port"):
        db["PORT"] = str(options.pop("port"))
    return db


def database_url(db: dict) -> str:
    """A URL reaching the database that a DATABASES entry (or a connection's settings_dict) names."""
    user = quote(db.get("USER") or "", safe="")
    password = db.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or ""
    port = str(db.get("PORT") or "")
    name = quote(db["NAME"], safe="")
    if host.startswith("/"):
        query = f"?host={quote(host, safe='/')}" + (f"&port={port}" if port else "")
        return f"postgresql://{auth}/{name}{query}"
    if not host:  # libpq's default socket, as the settings themselves say
        return f"postgresql://{auth}/{name}" + (f"?port={port}" if port else "")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"postgresql://{auth}{host}" + (f":{port}" if port else "") + f"/{name}"


REPLICA_ALIAS_PREFIX = "replica_"


def replica_databases(
    default: dict, urls: list[str], connect_timeout: int | None = None, statement_timeout: float | None = None
) -> dict[str, dict]:
    """DATABASES entries ``replica_0..n`` for DATABASE_REPLICA_URLS: each reaches its own server but
    keeps the primary's options (prepared statements, connection reuse, timeouts), so a query planned
    once per connection on the primary is planned once on a replica too. ``connect_timeout`` replaces
    the primary's: a replica that does not answer is skipped (meidu.core.replicas), so waiting long
    for it only delays the request that will read from the primary anyway. ``statement_timeout`` (seconds)
    is set on the replica's sessions (``-c statement_timeout``): a statement a hung or blocked standby
    does not finish is cancelled by the server, and the request is answered from the primary
    (meidu.core.replicas.timeouts).

    Tests that run without the real replica read the primary through the same connection
    (``TEST.MIRROR``), as Django documents for replicas, and never create or flush a replica."""
    entries = {}
    for index, url in enumerate(urls):
        entry = database_settings(url, conn_max_age=default.get("CONN_MAX_AGE", 0))
        options = {**default.get("OPTIONS", {}), **entry.get("OPTIONS", {})}
        if connect_timeout is not None:
            options["connect_timeout"] = connect_timeout
        if statement_timeout:
            milliseconds = max(1, round(statement_timeout * 1000))
            options["options"] = f"{options.get('options', '')} -c statement_timeout={milliseconds}".strip()
        entry["OPTIONS"] = options
        for key in ("CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS", "TIME_ZONE"):
            if key in default:
                entry[key] = default[key]
        entry["TEST"] = {"MIRROR": "default"}
        entries[f"{REPLICA_ALIAS_PREFIX}{index}"] = entry
    return entries

"""The embedded PostgreSQL (pgserver wheel) used when DATABASE_URL is not set.

The server lives in var/pgdata and listens on a Unix socket only. pgserver keeps a
list of the processes holding it and stops the server when the last one exits, so
Ctrl-C on ``meidu demo`` stops the database too.
"""

import json
import logging
import re
import warnings

import psutil

from meidu.runtime import paths

DATABASE_NAME = "meidu"
_server = None


def data_dir():
    return paths.VAR_DIR / "pgdata"


def _forget_dead_handles() -> None:
    """pgserver stops the server when its last holder exits, counting holders in a pid list;
    a holder that was killed never leaves it, so drop pids that no longer run."""
    path = data_dir() / ".handle_pids.json"
    if not path.exists():
        return
    pids = json.loads(path.read_text() or "[]")
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def get_server():
    global _server
    if _server is None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); pgserver copes.
            warnings.simplefilter("ignore")
            import pgserver

        logging.getLogger("pgserver").setLevel(logging.WARNING)
        data_dir().parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles()
        _server = pgserver.get_server(data_dir(), cleanup_mode="stop")
    return _server


def ensure_database(server, name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unsafe database name {name!r}")
    found = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in found:
        server.psql(f'CREATE DATABASE "{name}";')


def embedded_database_url(name: str = DATABASE_NAME) -> str:
    server = get_server()
    ensure_database(server, name)
    return server.get_uri(name)

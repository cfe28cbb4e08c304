"""A real PostgreSQL primary and its streaming standby, started in temporary folders for the replica tests.

The binaries are the machine's (/usr/lib/postgresql/<version>/bin, the newest first, then PATH) or the
ones in the pgserver wheel that the embedded database uses; without any, ``postgres_binaries`` answers
None and the tests that need a cluster are skipped. PostgreSQL refuses to run as root: as pgserver does
(meidu/runtime/embedded_pg.py), a root process runs initdb, pg_ctl and pg_basebackup as an unprivileged
user (``postgres`` when the machine has one, else ``pgserver`` or ``nobody``) that owns the folders.

The primary listens on 127.0.0.1 only (no Unix socket), with WAL for a standby, durability off (a
test's data need not survive a crash) and trust authentication; the standby is a ``pg_basebackup -R``
copy that streams from it (hot standby: read-only queries).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg

NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
START_TIMEOUT_SECONDS = 60


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path)) or (0,)


def postgres_binaries(major: int | None = None) -> Path | None:
    """A folder holding initdb, pg_ctl, pg_basebackup and postgres, or None: the one of PostgreSQL
    ``major`` when there is one (the suite's server version, so that its database can be copied), else
    the machine's newest, else the pgserver wheel's."""
    candidates = [Path(path) for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    embedded = _pgserver_binaries()
    if embedded is not None:
        candidates.append(embedded)
    usable = [folder for folder in candidates if all(os.access(folder / name, os.X_OK) for name in NEEDED)]
    matching = [folder for folder in usable if major is not None and _major(folder) == major]
    return (matching or usable or [None])[0]


def _major(folder: Path) -> int | None:
    result = subprocess.run([str(folder / "pg_ctl"), "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"(\d+)\.", result.stdout)
    return int(found.group(1)) if found else None


def _pgserver_binaries() -> Path | None:
    with contextlib.suppress(ImportError), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI)
        from pgserver._commands import POSTGRES_BIN_PATH  # the embedded database's own binaries

        return Path(POSTGRES_BIN_PATH)
    return None


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged user to run PostgreSQL as when we are root, else None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "pgserver", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root without a postgres, pgserver or nobody user to run PostgreSQL as")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    data: Path
    port: int

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def scalar(self, sql: str, dbname: str = "postgres"):
        with self.connect(dbname) as conn:
            cursor = conn.execute(sql)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None


def _pg_dump(folder: Path, source: dict) -> bytes | None:
    """A plain SQL dump of the database ``source`` (a Django settings_dict) by ``folder``'s pg_dump."""
    args = [str(folder / "pg_dump"), "--no-owner", "--no-privileges", "-d", source["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if source.get(key):
            args += [flag, str(source[key])]
    env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
    dump = subprocess.run(args, capture_output=True, env=env, timeout=300, check=False)
    return dump.stdout if dump.returncode == 0 else None


class Cluster:
    """A primary and one streaming standby; ``start`` builds both, ``close`` stops them and removes them."""

    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.user = _run_as()
        self.base = Path(tempfile.mkdtemp(prefix="meidu-replica-"))
        self.base.chmod(0o755)
        self.primary = Server("primary", self.base / "primary", free_port())
        self.standby = Server("standby", self.base / "standby", free_port())

    # -- running commands -------------------------------------------------------------------------------
    def _run(self, name: str, *args: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
        kwargs: dict = {"cwd": self.base, "timeout": timeout, "capture_output": True, "text": True}
        if self.user is not None:
            kwargs.update(user=self.user.pw_uid, group=self.user.pw_gid, env={**os.environ, "HOME": str(self.base)})
        result = subprocess.run([str(self.binaries / name), *args], check=False, **kwargs)
        if result.returncode != 0:
            raise RuntimeError(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def _own(self, path: Path) -> None:
        path.mkdir(mode=0o700, exist_ok=True)
        if self.user is not None:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)

    def _configure(self, server: Server, lines: list[str]) -> None:
        with (server.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# meidu replica tests\n" + "\n".join(lines) + "\n")

    # -- life cycle ---------------------------------------------------------------------------------------
    def start(self) -> Cluster:
        self._own(self.primary.data)
        self._run("initdb", "-D", str(self.primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        self._configure(
            self.primary,
            [
                "listen_addresses = '127.0.0.1'",
                f"port = {self.primary.port}",
                "unix_socket_directories = ''",
                "wal_level = replica",
                "max_wal_senders = 4",
                "max_connections = 40",
                "shared_buffers = 32MB",
                "fsync = off",
                "full_page_writes = off",
            ],
        )
        self.server_start(self.primary)
        self._own(self.standby.data)
        self._run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres"),
            *("-D", str(self.standby.data), "-R", "-X", "stream", "-c", "fast"),
        )
        self._configure(self.standby, [f"port = {self.standby.port}", "hot_standby = on"])
        self.server_start(self.standby)
        return self

    def server_start(self, server: Server) -> None:
        log = self.base / f"{server.name}.log"
        if self.user is not None and not log.exists():
            log.touch()
            os.chown(log, self.user.pw_uid, self.user.pw_gid)
        self._run("pg_ctl", "-D", str(server.data), "-l", str(log), "-w", "-t", str(START_TIMEOUT_SECONDS), "start")

    def server_stop(self, server: Server) -> None:
        self._run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        for server in (self.standby, self.primary):
            if (server.data / "postmaster.pid").exists():
                with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                    self._run("pg_ctl", "-D", str(server.data), "-m", "immediate", "-w", "stop", timeout=30)
        shutil.rmtree(self.base, ignore_errors=True)

    def database_copy(self, source: dict, name: str) -> bool:
        """Copy the database a Django ``settings_dict`` names (schema and rows) into a new database ``name``
        on the primary, with pg_dump piped into psql: seconds, where migrating afresh takes minutes on a
        busy machine. pg_dump refuses a server newer than itself, so the pgserver wheel's is tried after
        ours (the embedded database may be newer than the machine's binaries). False when neither can."""
        dump = None
        for folder in dict.fromkeys(filter(None, [self.binaries, _pgserver_binaries()])):
            dump = _pg_dump(folder, source)
            if dump is not None:
                break
        if dump is None:
            return False
        self.primary.scalar(f'CREATE DATABASE "{name}"')  # the caller creates it when this answers False
        load_args = [str(self.binaries / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
        load_args += ["-p", str(self.primary.port), "-U", "postgres", "-d", name]
        load = subprocess.run(load_args, input=dump, capture_output=True, timeout=300, check=False)
        if load.returncode != 0:  # a dump by a newer pg_dump than this server: migrate instead
            self.primary.scalar(f'DROP DATABASE "{name}"')
            return False
        return True

    # -- replication --------------------------------------------------------------------------------------
    def primary_lsn(self) -> str:
        return self.primary.scalar("SELECT pg_current_wal_lsn()::text")

    def _wait_standby(self, function: str, timeout: float) -> None:
        target = self.primary_lsn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            behind = self.standby.scalar(f"SELECT pg_wal_lsn_diff('{target}', {function}())")
            if behind is not None and behind <= 0:
                return
            time.sleep(0.02)
        raise TimeoutError(f"the standby's {function} did not reach the primary's {target}")

    def wait_received(self, timeout: float = 30) -> None:
        """Until the standby has received everything the primary wrote so far (replayed or not)."""
        self._wait_standby("pg_last_wal_receive_lsn", timeout)

    def wait_replayed(self, timeout: float = 30) -> None:
        """Until the standby has replayed everything the primary wrote so far."""
        self._wait_standby("pg_last_wal_replay_lsn", timeout)

    def replay_pause(self) -> None:
        self.standby.scalar("SELECT pg_wal_replay_pause()")

    def replay_resume(self) -> None:
        self.standby.scalar("SELECT pg_wal_replay_resume()")

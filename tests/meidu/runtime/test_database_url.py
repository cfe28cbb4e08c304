"""DATABASE_URL for child processes: a worker started by a test (or by gunicorn) must reach the very
server and database of its parent, the embedded PostgreSQL's Unix socket included."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from meidu.runtime.database import database_settings, database_url
from meidu.runtime.paths import BASE_DIR

PGSERVER_URL = "postgresql://postgres:@/meidu?host=/work/var/pgdata"  # as pgserver writes it


def test_the_embedded_servers_socket_is_the_host_and_survives_the_round_trip():
    db = database_settings(PGSERVER_URL)
    assert (db["HOST"], db["NAME"], db["USER"]) == ("/work/var/pgdata", "meidu", "postgres")
    assert "host" not in db["OPTIONS"]
    assert database_settings(database_url(db)) == db


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://meidu:p%40ss%2Fword@db.internal:6432/meidu_prod",
        "postgresql://postgres@/meidu?host=/run/postgresql&port=5433",
        "postgresql://postgres@127.0.0.1:5432/test_meidu",
        "postgresql://postgres@[::1]:5432/meidu",
        "postgresql://postgres@/meidu",
    ],
)
def test_a_url_rebuilt_from_the_settings_names_the_same_database(url):
    db = database_settings(url)
    assert database_settings(database_url(db)) == db


WHERE = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT current_database(), pg_postmaster_start_time()::text, current_setting('port')")
    print(json.dumps(cursor.fetchone()))
"""


@pytest.mark.django_db
def test_a_child_process_reaches_the_same_server_and_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), pg_postmaster_start_time()::text, current_setting('port')")
        here = list(cursor.fetchone())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meidu.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    result = subprocess.run(
        [sys.executable, "-c", WHERE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == here

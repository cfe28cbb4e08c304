"""The `meidu` command as a newcomer runs it: help texts and refusals with exit statuses."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from meidu.cli import build_parser
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR

SUBCOMMANDS = ["demo", "serve", "worker", "beat", "seed", "check", "keys"]


def _run(args, env_extra=None, timeout=120):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MEIDU_MODE", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}
    }
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "meidu.cli", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([command, "--help"])
    assert exc.value.code == 0
    assert f"usage: meidu {command}" in capsys.readouterr().out


def _database_env():
    return {"DATABASE_URL": database_url(connection.settings_dict)}


@pytest.mark.django_db
def test_serve_refuses_without_secret_key(tmp_path):
    result = _run(["serve"], {**_database_env(), "JWT_KEYS_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "refusing to start" in result.stderr
    assert "export SECRET_KEY" in result.stderr
    assert "meidu keys rotate" in result.stderr


@pytest.mark.django_db
def test_serve_refuses_debug_on_a_public_host(tmp_path):
    (tmp_path / "k.pem").write_text("x")
    env = {
        **_database_env(),
        "SECRET_KEY": "s" * 60,
        "DEBUG": "1",
        "ALLOWED_HOSTS": "market.example.cn",
        "JWT_KEYS_DIR": str(tmp_path),
    }
    result = _run(["serve"], env)
    assert result.returncode == 2
    assert "set DEBUG=0" in result.stderr


def test_worker_without_broker_says_what_to_set():
    result = _run(["worker"], _database_env())
    assert result.returncode == 2
    assert "CELERY_BROKER_URL" in result.stderr


def test_unknown_command_exits_with_usage():
    result = _run(["fly"])
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


@pytest.mark.django_db
def test_seed_refuses_in_production_mode_before_writing_anything():
    from logistics.geography.models import Town
    from meidu.accounts.models import User

    result = _run(["seed"], _database_env())
    assert result.returncode == 2, result.stderr
    assert "refusing to load the demo data in production mode" in result.stderr
    assert "MEIDU_MODE=demo meidu seed" in result.stderr
    assert "Traceback" not in result.stderr
    assert (User.objects.count(), Town.objects.count()) == (0, 0)


def test_demo_public_url_follows_host_and_port():
    from meidu.cli import demo_public_url

    assert demo_public_url("127.0.0.1", 8765) == "http://127.0.0.1:8765"
    assert demo_public_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"  # every interface: the local one
    assert demo_public_url("::1", 8000) == "http://[::1]:8000"
    assert demo_public_url("192.168.1.20", 8000) == "http://192.168.1.20:8000"

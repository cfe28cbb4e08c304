"""A real server (gunicorn, the production entry point meidu.wsgi) whose DATABASE_URL points at a
closed port: every request that needs the database meets a connection refused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import requests

from meidu.runtime.paths import BASE_DIR


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerWithoutDatabase:
    def __init__(self, tmp_path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / "server.log", "w+")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "meidu.settings.test",
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{_free_port()}/meidu",  # nobody listens there
            "PYTHONPATH": str(BASE_DIR),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "meidu.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 60) -> None:
        try:
            self._wait(seconds)
        except BaseException:
            self.stop()
            raise

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server stopped:\n" + self.output())
            try:
                requests.get(self.url + "/static/storefront/img/favicon.svg", timeout=10)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.3)
        raise RuntimeError("the server did not start:\n" + self.output())

    def output(self) -> str:
        if self.log.closed:
            return ""
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

"""A real server process on 127.0.0.1 for live-server and browser tests.

The test binds the listening socket itself and hands it to `python wsgi.py`
(COURTYARD_LISTEN_FD), so requests made before the server is up wait in the kernel's
backlog instead of failing: no polling, no sleeps.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def flask_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=True)


class LiveServer:
    def __init__(self, *, mode: str = "eventlet", database_url: str | None = None, seed: bool = True,
                 extra_env: dict | None = None):
        self.tmp = Path(tempfile.mkdtemp(prefix="courtyard-live-"))
        atexit.register(shutil.rmtree, self.tmp, True)  # after the test run, logs and all
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
        self.env.update({
            "DATABASE_URL": database_url or f"sqlite:///{self.tmp / 'live.sqlite3'}",
            "COURTYARD_ASYNC": mode,
            "UPLOAD_DIR": str(self.tmp / "uploads"),
            "SECRET_KEY": "live-test",
            "PYTHONUNBUFFERED": "1",
        })
        self.env.pop("REDIS_URL", None)
        self.env.update(extra_env or {})
        self.seed = seed
        self.proc: subprocess.Popen | None = None
        self.sock: socket.socket | None = None

    def start(self) -> "LiveServer":
        flask_cli(self.env, "init-db")
        if self.seed:
            flask_cli(self.env, "seed-demo")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(2048)
        self.port = self.sock.getsockname()[1]
        self.log = open(self.tmp / "server.log", "w")
        self._spawn()
        return self

    def _spawn(self) -> None:
        env = dict(self.env, COURTYARD_LISTEN_FD=str(self.sock.fileno()), PORT=str(self.port))
        self.proc = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=env, pass_fds=[self.sock.fileno()],
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def restart(self) -> None:
        """A new server process on the same listening socket: every open connection drops, and
        new ones wait in the backlog until it accepts them. The database stays."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._spawn()

    def kill(self) -> None:
        """kill -9 the server and close the listening socket: connections are refused from now on."""
        self.proc.kill()
        self.proc.wait()
        self.sock.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return (self.tmp / "server.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if self.sock is not None and self.sock.fileno() != -1:
            self.sock.close()
            self.sock = None
        self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

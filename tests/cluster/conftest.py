"""Two workers behind nginx on a Redis of their own, as `make cluster` runs them.

The fixture starts its own redis-server (so stopping it disturbs no other test), a
PostgreSQL database of its own (`<TEST_DATABASE_URL's name>_cluster`, emptied), two
`python wsgi.py` workers (WORKER_NAME w1 and w2, PROXY_HOPS=1, tests/live's LiveServer) and
nginx with deploy/nginx.conf rendered for them by deploy/cluster.py. Missing nginx,
redis-server or TEST_DATABASE_URL skips on a laptop and fails in CI (CI=true).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from ..live import ROOT, LiveServer
from ..live.conftest import WAIT, _live_pg_url, peers, world  # noqa: F401  (fixtures)

IN_CI = os.environ.get("CI") == "true"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _load_cluster_script():
    spec = importlib.util.spec_from_file_location("deploy_cluster", ROOT / "deploy" / "cluster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


deploy = _load_cluster_script()


def _missing(what: str):
    if IN_CI:
        pytest.fail(f"CI needs {what} for the cluster tests")
    pytest.skip(f"{what} is missing: the cluster tests need it")


class RedisServer:
    """A redis-server of our own, in memory only, on a port that stays the same across restarts."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.PIPE, text=True)
        for line in self.proc.stdout:  # its own word that it listens: no polling
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError("redis-server did not start")
        return self

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.kill()


@pytest.fixture(scope="module")
def cluster():
    nginx = deploy.find_nginx()
    if nginx is None:
        _missing("nginx (Debian package nginx)")
    if not os.path.exists(REDIS_SERVER):
        _missing("redis-server (Debian package redis-server)")
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        _missing("TEST_DATABASE_URL (PostgreSQL)")
    redis = RedisServer().start()
    database = _live_pg_url(pg, "_cluster")
    workers = []
    for name in ("w1", "w2"):
        workers.append(LiveServer(mode="eventlet", seed=False, database_url=database, extra_env={
            "REDIS_URL": redis.url, "WORKER_NAME": name, "PROXY_HOPS": "1"}).start())
    prefix = Path(tempfile.mkdtemp(prefix="courtyard-nginx-"))
    front_sock = deploy.listening_socket("127.0.0.1", 0)
    log = open(prefix / "nginx.out", "w")
    proxy = deploy.start_nginx(nginx, prefix, [(w.env["WORKER_NAME"], f"127.0.0.1:{w.port}") for w in workers],
                               front_sock, log)
    port = front_sock.getsockname()[1]
    front = SimpleNamespace(url=f"http://127.0.0.1:{port}", env=workers[0].env)
    yield SimpleNamespace(w1=workers[0], w2=workers[1], front=front, redis=redis, nginx=proxy, prefix=prefix)
    proxy.terminate()
    proxy.wait(WAIT)
    front_sock.close()
    log.close()
    for w in workers:
        w.stop()
    redis.stop()  # no traceback check: the Redis outage of test_a_redis_restart… is logged, rightly
    shutil.rmtree(prefix, ignore_errors=True)

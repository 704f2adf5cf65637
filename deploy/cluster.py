"""`make cluster`: N Courtyard workers behind nginx on this machine, in the foreground.

    python deploy/cluster.py [--workers 2] [--port 8080] [--first-port 5001]

Each worker is `python wsgi.py` (eventlet) with WORKER_NAME=w1, w2 …, PORT=first-port + i,
PROXY_HOPS=1 and the same REDIS_URL (default redis://127.0.0.1:6379/0), DATABASE_URL (the
app's default SQLite file if unset; PostgreSQL is what a cluster wants: SQLite takes one
writer at a time) and SECRET_KEY. nginx runs unprivileged from a temporary prefix with
deploy/nginx.conf written for this layout (`render`). The schema is migrated first, and the
demo data loaded when the database has no users yet. Ctrl-C stops everything.

This script binds every listening socket itself and hands it over (COURTYARD_LISTEN_FD to
the workers, nginx's own NGINX variable to nginx), so a busy port is an error before
anything starts and nothing needs to wait for a process to start listening.
tests/cluster uses `render` and `start_nginx` from here: what is tested is what is shipped.
"""
from __future__ import annotations

import argparse
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
BEGIN, END = "    # --- workers: begin", "    # --- workers: end"
# The layout deploy/nginx.conf is shipped for.
DEFAULT_WORKERS = 2
DEFAULT_LISTEN = "127.0.0.1:8080"
DEFAULT_FIRST_PORT = 5001


def layout(count: int = DEFAULT_WORKERS, *, host: str = "127.0.0.1",
           first_port: int = DEFAULT_FIRST_PORT) -> list[tuple[str, str]]:
    """[(worker name, "host:port")] for `count` workers on consecutive ports."""
    return [(f"w{i + 1}", f"{host}:{first_port + i}") for i in range(count)]


def _workers_block(workers: list[tuple[str, str]]) -> str:
    lines = [BEGIN + " (deploy/cluster.py writes these lines for other layouts)",
             "    # One upstream per worker, for the requests of a Socket.IO session it holds:"]
    lines += [f"    upstream courtyard_{name} {{ server {address}; }}" for name, address in workers]
    lines += ["    # All workers, round robin, for everything else (handshakes, WebSockets, pages, the API):",
              "    upstream courtyard_all {"]
    lines += [f"        server {address} max_fails=1 fail_timeout=5s;" for _name, address in workers]
    lines += ["    }",
              "    # Stickiness: an Engine.IO session id starts with its worker's name (WORKER_NAME,",
              "    # courtyard/worker.py). A request naming one goes to that worker; any other request",
              "    # (no sid: a new handshake; an unknown name) to all of them.",
              "    map $arg_sid $courtyard_upstream {",
              "        default courtyard_all;"]
    lines += [f"        ~^{re.escape(name)}\\. courtyard_{name};" for name, _address in workers]
    lines += ["    }", END]
    return "\n".join(lines)


def render(workers: list[tuple[str, str]], listen: str = DEFAULT_LISTEN, template: str | None = None) -> str:
    """deploy/nginx.conf for these workers, nginx listening on `listen` ("host:port")."""
    text = TEMPLATE.read_text() if template is None else template
    start, end = text.index(BEGIN), text.index(END) + len(END)
    text = text[:start] + _workers_block(workers) + text[end:]
    text, found = re.subn(r"(?m)^(\s*)listen [^;]+;", lambda m: f"{m.group(1)}listen {listen};", text, count=1)
    assert found == 1, "deploy/nginx.conf has no listen line"
    return text


def find_nginx() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def prepare_prefix(prefix: Path) -> None:
    """logs/ and temp/ under nginx's prefix. nginx started by root runs its worker as `nobody`,
    which must be able to write the temp files (request bodies of uploads)."""
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    (prefix / "temp").mkdir(exist_ok=True)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chmod(prefix, 0o711)
        os.chown(prefix / "temp", nobody.pw_uid, nobody.pw_gid)


def start_nginx(nginx: str, prefix: Path, workers: list[tuple[str, str]], sock: socket.socket,
                log) -> subprocess.Popen:
    """nginx in the foreground from `prefix`, on the already listening `sock`."""
    prepare_prefix(prefix)
    host, port = sock.getsockname()[:2]
    conf = prefix / "nginx.conf"
    conf.write_text(render(workers, f"{host}:{port}"))
    env = dict(os.environ, NGINX=f"{sock.fileno()};")  # nginx's inherited listening sockets
    return subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "logs" / "error.log"),
                             "-g", "daemon off;"], env=env, pass_fds=[sock.fileno()],
                            stdout=log, stderr=subprocess.STDOUT)


def _flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True)


def _database_is_empty(env: dict) -> bool:
    import sqlalchemy as sa
    sys.path.insert(0, str(ROOT))
    from courtyard.config import Config
    engine = sa.create_engine(Config(env).SQLALCHEMY_DATABASE_URI)
    try:
        with engine.connect() as conn:
            return not conn.scalar(sa.text("SELECT count(*) FROM users"))
    finally:
        engine.dispose()


def _check_redis(url: str) -> str | None:
    import redis
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
        return None
    except Exception as exc:
        return str(exc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="worker processes (default 2)")
    parser.add_argument("--port", type=int, default=int(DEFAULT_LISTEN.rsplit(":", 1)[1]),
                        help="nginx's port (default 8080)")
    parser.add_argument("--first-port", type=int, default=DEFAULT_FIRST_PORT,
                        help="the first worker's port; the others follow (default 5001)")
    parser.add_argument("--host", default="127.0.0.1", help="the address nginx and the workers listen on")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")

    nginx = find_nginx()
    if nginx is None:
        print("error: nginx is not installed (Debian: apt-get install nginx)", file=sys.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k != "COURTYARD_LISTEN_FD"}
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    env.setdefault("PUBLIC_URL", f"http://{args.host}:{args.port}")
    if (why := _check_redis(env["REDIS_URL"])) is not None:
        print(f"error: Redis at {env['REDIS_URL']} is unreachable: {why}", file=sys.stderr)
        return 1
    if not (env.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql")):
        print("note: DATABASE_URL is not PostgreSQL: the workers will take turns to write to SQLite",
              file=sys.stderr)

    workers = layout(args.workers, host=args.host, first_port=args.first_port)
    try:
        front = listening_socket(args.host, args.port)
        socks = [listening_socket(args.host, int(address.rsplit(":", 1)[1])) for _n, address in workers]
    except OSError as exc:
        print(f"error: cannot listen: {exc}", file=sys.stderr)
        return 1

    _flask(env, "init-db")
    if _database_is_empty(env):
        _flask(env, "seed-demo")

    prefix = Path(tempfile.mkdtemp(prefix="courtyard-cluster-"))
    procs: dict[int, tuple[str, subprocess.Popen]] = {}
    for (name, address), sock in zip(workers, socks):
        worker_env = dict(env, WORKER_NAME=name, PROXY_HOPS="1", HOST=args.host, PORT=address.rsplit(":", 1)[1],
                          COURTYARD_LISTEN_FD=str(sock.fileno()))
        proc = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=worker_env, pass_fds=[sock.fileno()])
        procs[proc.pid] = (f"worker {name} ({address})", proc)
    proxy = start_nginx(nginx, prefix, workers, front, None)
    procs[proxy.pid] = ("nginx", proxy)
    for sock in socks + [front]:
        sock.close()  # the children hold them now
    print(f"Courtyard cluster on http://{args.host}:{args.port} — {args.workers} workers on "
          f"{', '.join(a for _n, a in workers)}, Redis {env['REDIS_URL']}; nginx logs in {prefix / 'logs'}. "
          f"Ctrl-C stops it.", flush=True)

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    status = 0
    try:
        while procs:
            pid, code = os.wait()
            name, _proc = procs.pop(pid, (None, None))
            if name is None:
                continue
            print(f"{name} exited ({os.waitstatus_to_exitcode(code)})", file=sys.stderr, flush=True)
            if name == "nginx" or not any(n.startswith("worker") for n, _p in procs.values()):
                status = 1
                break
    except KeyboardInterrupt:
        pass
    finally:
        for _name, proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for _name, proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(prefix, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Run as a script: does a slow PostgreSQL query stall the other green threads of the server?

    python tests/runtime/green_probe.py eventlet|gevent

Monkey-patches like `python wsgi.py`, serves the app with wsgi.serve() (the real server
code) on an inherited 127.0.0.1 socket, then:

1. query: a green thread runs a query through the app's SQLAlchemy session that waits
   inside PostgreSQL (an advisory lock held by another connection, so it is "slow" for
   exactly as long as we say, not for a number of seconds). While it waits, we GET
   /healthz and do a Socket.IO handshake and CONNECT. Only then is the lock released.
   A driver that blocked the hub would never let those answers arrive: the lock would
   never be released and the run would hang until the caller's timeout.
2. blocking (the contrast): a green thread calls the *unpatched* time.sleep; the GET
   issued meanwhile is answered only after it returns.

Prints one line `RESULT {json}` with the order in which things happened.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import warnings

warnings.filterwarnings("ignore")
MODE = sys.argv[1]
if MODE == "eventlet":
    import eventlet
    import eventlet.patcher

    eventlet.monkey_patch()
    spawn, green_sleep = eventlet.spawn, eventlet.sleep
    blocking_sleep = eventlet.patcher.original("time").sleep

    def join(thread):
        return thread.wait()
elif MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
    import gevent

    spawn, green_sleep = gevent.spawn, gevent.sleep
    blocking_sleep = monkey.get_original("time", "sleep")

    def join(thread):
        return thread.get()
else:
    raise SystemExit(f"unknown mode {MODE}")

import urllib.request  # noqa: E402  (after patching: green sockets)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
os.chdir(ROOT)

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(128)
PORT = listener.getsockname()[1]
os.environ.update({"DATABASE_URL": os.environ["TEST_DATABASE_URL"], "COURTYARD_ASYNC": MODE,
                   "COURTYARD_LISTEN_FD": str(listener.fileno()), "HOST": "127.0.0.1", "PORT": str(PORT)})
os.environ.pop("REDIS_URL", None)

import sqlalchemy as sa  # noqa: E402

import wsgi  # noqa: E402  (creates the app from the environment, as `python wsgi.py` does)
from courtyard.extensions import db  # noqa: E402

BASE = f"http://127.0.0.1:{PORT}"
LOCK = 7_000_000 + os.getpid() % 1_000_000
events: list[str] = []


def get(path: str) -> tuple[int, str]:
    with urllib.request.urlopen(BASE + path, timeout=60) as r:
        return r.status, r.read().decode()


def post(path: str, body: str) -> tuple[int, str]:
    req = urllib.request.Request(BASE + path, data=body.encode(), method="POST",
                                 headers={"Content-Type": "text/plain;charset=UTF-8"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read().decode()


def socketio_connect_without_auth() -> str:
    """Engine.IO handshake, Socket.IO CONNECT: the server's connect handler answers (refuses)."""
    status, text = get("/socket.io/?EIO=4&transport=polling")
    assert status == 200 and text.startswith("0{"), text
    sid = json.loads(text[1:])["sid"]
    post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", "40")
    for _ in range(20):  # bounded: the answer is the next packet the server queues
        status, text = get(f"/socket.io/?EIO=4&transport=polling&sid={sid}")
        if text.startswith("4"):
            return text
    return text


def slow_query():
    with wsgi.app.app_context():
        events.append("slow query sent")
        db.session.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": LOCK})
        db.session.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK})
        events.append("slow query returned")
        db.session.remove()


def waiting_in_postgres(conn) -> bool:
    return bool(conn.execute(sa.text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND NOT granted"),
        {"k": LOCK}).scalar())


def blocker():
    events.append("blocking call started")
    blocking_sleep(0.5)
    events.append("blocking call returned")


def main() -> dict:
    server = spawn(wsgi.serve)
    with wsgi.app.app_context():
        result: dict = {"mode": MODE, "driver": db.engine.dialect.driver}
    assert get("/healthz")[0] == 200  # the server is up

    # 1. a query that waits in PostgreSQL until we let it go
    holder_engine = sa.create_engine(wsgi.app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with holder_engine.connect() as holder:
        holder.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": LOCK})
        slow = spawn(slow_query)
        for _ in range(1000):  # bounded; each check yields to the hub
            if waiting_in_postgres(holder):
                break
            green_sleep(0.01)
        result["slow_query_waiting_in_postgres"] = waiting_in_postgres(holder)
        status, _ = get("/healthz")
        events.append(f"healthz answered {status}")
        answer = socketio_connect_without_auth()
        events.append("socket.io connect answered " + answer[:2])
        result["socketio_answer"] = answer
        holder.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK})
        holder.commit()
        join(slow)
    holder_engine.dispose()
    result["query_events"] = list(events)

    # 2. the contrast: a call that really blocks the process
    events.clear()
    spawn(blocker)
    status, _ = get("/healthz")
    events.append(f"healthz answered {status}")
    result["blocking_events"] = list(events)
    server.kill()
    return result


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()), flush=True)
    os._exit(0)

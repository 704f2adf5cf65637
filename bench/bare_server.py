"""The yardstick for bench/fanout.py: a bare Flask-SocketIO broadcast server.

No database, no authentication, no logging. It speaks what the benchmark uses of the
app, the same way: a socket joins the room `courtyard:1` at connect; `join_topic` joins
`topic:<id>`; `post_message` emits `message.posted` to that room with a payload shaped
like the app's message JSON (same fields, similar size) and acks `{"ok": true,
"message": ...}`; `POST /api/v1/courtyards/<id>/topics` emits `topic.created` to the
courtyard's room (the --hold probe).

It is served like wsgi.py serves the app (same async mode, same Socket.IO settings,
gc.freeze() at start-up, no access log, 10k connection cap), so the ratio app / bare
measures what the app adds, not a difference in set-up.

    python bench/bare_server.py --fd <inherited listening socket> [--async eventlet|gevent]
    python bench/bare_server.py --port 5055
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--async", dest="mode", choices=("eventlet", "gevent"), default="eventlet")
    p.add_argument("--fd", type=int, help="an inherited, already listening socket")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5055)
    p.add_argument("--gc-threshold", default="10000,10,10",
                   help="gc.set_threshold(A, B, C) after gc.freeze(); the same default as wsgi.py")
    return p.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else None

if ARGS is not None:
    if ARGS.mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    else:
        from gevent import monkey

        monkey.patch_all()

from datetime import datetime, timezone  # noqa: E402
import itertools  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room, leave_room  # noqa: E402


def create(mode: str) -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode=mode, max_http_buffer_size=64 * 1024, manage_session=False,
                        ping_interval=25, ping_timeout=20)
    ids = itertools.count(1)
    online: dict[str, set[str]] = {}

    @socketio.on("connect")
    def on_connect(auth=None):
        join_room("courtyard:1")  # the app puts a member's sockets in their courtyard's room

    @app.post("/api/v1/courtyards/<int:courtyard_id>/topics")
    def create_topic(courtyard_id):
        data = request.get_json(force=True)
        topic = {"id": next(ids), "courtyard_id": courtyard_id, "title": data["title"], "body": data["body"],
                 "category": data["category"], "status": "open"}
        socketio.emit("topic.created", topic, to=f"courtyard:{courtyard_id}")
        return topic, 201

    @socketio.on("join_topic")
    def on_join(data):
        room = f"topic:{data['topic_id']}"
        join_room(room)
        members = online.setdefault(room, set())
        members.add(request.sid)
        return {"ok": True, "missed": [], "online": len(members)}

    @socketio.on("leave_topic")
    def on_leave(data):
        room = f"topic:{data['topic_id']}"
        leave_room(room)
        online.get(room, set()).discard(request.sid)
        return {"ok": True}

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        for members in online.values():
            members.discard(request.sid)

    @socketio.on("post_message")
    def on_post(data):
        topic_id = data["topic_id"]
        message = {
            "id": next(ids), "topic_id": topic_id, "author": {"id": 1, "display_name": "居民1"},
            "body": str(data["body"]).strip(), "client_id": data["client_id"], "badge": None,
            "hidden": False, "created_at": datetime.now(timezone.utc).isoformat(),
        }
        socketio.emit("message.posted", message, to=f"topic:{topic_id}")
        return {"ok": True, "message": message}

    return app, socketio


def serve(args) -> None:
    import gc
    import socket

    app, socketio = create(args.mode)
    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
        sock.listen(2048)
    gc.freeze()
    if args.gc_threshold:
        gc.set_threshold(*(int(x) for x in args.gc_threshold.split(",")))
    print(f"bare server on {sock.getsockname()} ({args.mode}), pid {os.getpid()}", flush=True)
    if args.mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(sock, app, max_size=10000, log_output=False)
    else:
        from gevent import pywsgi

        pywsgi.WSGIServer(sock, app, log=None).serve_forever()


if __name__ == "__main__":
    serve(ARGS)
    sys.exit(0)

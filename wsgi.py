"""Serve Courtyard. The only module that knows the server runtime.

COURTYARD_ASYNC picks it: eventlet (default), gevent, or threading (development only).
Monkey-patching happens here and only when this file is run as the server, so that
`flask --app wsgi ...` commands run unpatched.
"""
import os
import warnings

# eventlet announces its maintenance-only status on import; docs/deployment.md covers the choice.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

MODE = os.environ.get("COURTYARD_ASYNC", "eventlet")

if __name__ == "__main__":
    if MODE == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif MODE == "gevent":
        from gevent import monkey

        monkey.patch_all()

from courtyard import create_app, scheduler  # noqa: E402
from courtyard.extensions import socketio  # noqa: E402

app = create_app()


def _green_psycopg2() -> None:
    """psycopg2 waits for PostgreSQL in C; under gevent, psycogreen makes it wait through the hub.

    eventlet.monkey_patch() does the same itself (its `psycopg` patch). Only when the app uses
    psycopg2 (DATABASE_DRIVER) and gevent has patched this process: `python wsgi.py`, or a
    script that patched before importing this module (tests/runtime/green_probe.py).
    """
    if MODE != "gevent" or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg2"):
        return
    from gevent import monkey
    if monkey.is_module_patched("socket"):
        from psycogreen.gevent import patch_psycopg
        patch_psycopg()


_green_psycopg2()

# eventlet's WSGI server accepts 1,024 connections by default; a busy courtyard street needs more.
MAX_CONNECTIONS = int(os.environ.get("MAX_CONNECTIONS", "10000"))
BACKLOG = 2048
GC_THRESHOLD = os.environ.get("COURTYARD_GC_THRESHOLD", "10000,10,10")


def _listener(host: str, port: int):
    """The listening socket: inherited (COURTYARD_LISTEN_FD, e.g. socket activation or tests) or bound here."""
    import socket

    fd = os.environ.get("COURTYARD_LISTEN_FD")
    if fd:
        return socket.socket(fileno=int(fd))  # green after monkey-patching
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


def serve() -> None:
    host, port = app.config["HOST"], app.config["PORT"]
    from courtyard.search import tokens
    tokens.warm()  # jieba's dictionary (~1 s) now, not in the first search while every socket waits
    scheduler.start(app)  # due jobs run first: ballots whose deadline passed while down close now
    if MODE == "threading":
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
        return
    import gc

    sock = _listener(host, port)
    gc.freeze()  # long-lived start-up objects leave the collector's walk: lower tail latency
    # With 1,000 sockets a full collection pauses every greenlet for ~100 ms; collecting the
    # young generation less often took the fan-out p99 from ~170 ms to 59–72 ms (docs/performance.md).
    gc.set_threshold(*(int(x) for x in GC_THRESHOLD.split(",")))
    print(f"Courtyard on http://{host}:{sock.getsockname()[1]} ({MODE})", flush=True)
    if MODE == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(sock, app, max_size=MAX_CONNECTIONS, log_output=False)
    else:
        from gevent import pywsgi

        class Handler(pywsgi.WSGIHandler):
            def run_application(self):
                super().run_application()
                # After a WebSocket the socket holds frames, not a next HTTP request.
                if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                    self.close_connection = True

        pywsgi.WSGIServer(sock, app, log=None, handler_class=Handler).serve_forever()


if __name__ == "__main__":
    serve()

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

from courtyard import create_app  # noqa: E402
from courtyard.extensions import socketio  # noqa: E402

app = create_app()

# eventlet's WSGI server accepts 1,024 connections by default; a busy courtyard street needs more.
MAX_CONNECTIONS = int(os.environ.get("MAX_CONNECTIONS", "10000"))


def serve() -> None:
    host, port = app.config["HOST"], app.config["PORT"]
    kwargs = {"host": host, "port": port, "allow_unsafe_werkzeug": True}
    if MODE == "eventlet":
        kwargs = {"host": host, "port": port, "max_size": MAX_CONNECTIONS, "log_output": False}
    elif MODE == "gevent":
        kwargs = {"host": host, "port": port, "log_output": False}
    if MODE in ("eventlet", "gevent"):
        import gc

        gc.freeze()  # long-lived start-up objects leave the collector's walk: lower tail latency
    print(f"Courtyard on http://{host}:{port} ({MODE})", flush=True)
    socketio.run(app, **kwargs)


if __name__ == "__main__":
    serve()

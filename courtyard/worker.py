"""This process's name in a cluster (`WORKER_NAME`), carried in the session ids it hands out.

Several `python wsgi.py` processes behind nginx (deploy/nginx.conf, docs/deployment.md):
Socket.IO's long-polling transport sends one HTTP request after another, each naming its
Engine.IO session (`?sid=…`), and only the process that opened the session knows it. With
`WORKER_NAME=w1` every Engine.IO session id this process creates starts with `w1.`, so nginx
sends each request back to its process by looking at the id alone (`map $arg_sid …`): no
cookie, and no guess from the client's address (a carrier NAT puts a whole estate behind one).

Unset (the default): the ids are python-engineio's own, unchanged. The name is letters,
digits, `_` and `-`; the generated part never contains `.`, so `w1.` cannot be mistaken.
"""
from __future__ import annotations

import re

NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")
SEPARATOR = "."


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise RuntimeError(f"WORKER_NAME must be 1-32 letters, digits, '_' or '-', not {name!r}")
    return name


def prefixed(generate, name: str):
    """A session-id generator: `name.` + what `generate()` returns."""
    prefix = check_name(name) + SEPARATOR

    def generate_id() -> str:
        return prefix + generate()

    return generate_id


def init_app(app) -> None:
    """After socketio.init_app: name this process's Engine.IO session ids (and so Socket.IO's,
    which python-socketio draws from the same generator)."""
    name = app.config.get("WORKER_NAME")
    if not name:
        return
    from .extensions import socketio
    eio = socketio.server.eio
    eio.generate_id = prefixed(type(eio).generate_id.__get__(eio), name)

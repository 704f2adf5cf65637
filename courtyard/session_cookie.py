"""Flask's signed-cookie sessions, with the signing serializer built once per key set.

Flask builds a new `URLSafeTimedSerializer` every time it opens or saves a session. Every
Socket.IO event runs in a request context of its own, and each one opens the session, so a
thousand sockets joining a room built a thousand serializers (3.9 % of the connect-and-join
profile, docs/performance.md). The serializer is kept while SECRET_KEY and
SECRET_KEY_FALLBACKS stay the same; it holds no per-request state, so sharing it is safe.
"""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class CachedSerializerSessions(SecureCookieSessionInterface):
    def __init__(self):
        self._cached: tuple[tuple, object] | None = None

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._cached
        if cached is None or cached[0] != key:
            cached = self._cached = (key, super().get_signing_serializer(app))
        return cached[1]

"""The session cookie's serializer is built once per key set and still signs and checks as Flask's."""
from __future__ import annotations

from flask import Flask, session

from courtyard.session_cookie import CachedSerializerSessions


def _app(secret, fallbacks=()):
    app = Flask(__name__)
    app.secret_key = secret
    app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
    app.session_interface = CachedSerializerSessions()

    @app.get("/set")
    def set_():
        session["n"] = 7
        return "ok"

    @app.get("/get")
    def get():
        return str(session.get("n"))

    return app


def test_one_serializer_while_the_keys_stay_and_a_new_one_when_they_change():
    app = _app("one")
    sessions = app.session_interface
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first
    app.secret_key = "two"
    assert sessions.get_signing_serializer(app) is not first


def test_cookies_round_trip_and_a_rotated_key_still_reads_the_old_cookie():
    old = _app("old-key")
    client = old.test_client()
    client.get("/set")
    cookie = client.get_cookie("session").value
    assert client.get("/get").text == "7"
    rotated = _app("new-key", fallbacks=["old-key"]).test_client()
    rotated.set_cookie("session", cookie)
    assert rotated.get("/get").text == "7"
    stranger = _app("other-key").test_client()
    stranger.set_cookie("session", cookie)
    assert stranger.get("/get").text == "None"

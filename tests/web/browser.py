"""A browser-like test client: keeps the session and sends the page's CSRF token with every form."""
from __future__ import annotations

import re

import flask
from flask_login import login_user

from tests.factories import PASSWORD

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def log_in(client, user) -> None:
    """Put `user` into the test client's session cookie as the login form would, without the
    request and the password check: Flask-Login's own login_user writes the session keys (user
    id and epoch, freshness, the session identifier of this client's address and agent) in a
    request like the client's, and they are merged into the client's session, keeping what is
    there (language, CSRF token)."""
    app = client.application
    with client.session_transaction() as session:
        with app.test_request_context(environ_base=client.environ_base):
            assert login_user(user), user
            session.update(flask.session)


class Browser:
    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        """The CSRF token, read from a page's <meta name="csrf-token"> as a script would."""
        if self._token is None:
            page = self.client.get("/register")
            self._token = _META.search(page.get_data(as_text=True)).group(1)
        return self._token

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self.client.post(path, data=data, **kw)

    def login(self, user) -> "Browser":
        """Be logged in as `user` without the form (see log_in); tests/web/test_login.py and a few
        others log in through the real form with login_with_form."""
        log_in(self.client, user)
        return self

    def login_with_form(self, user, password: str = PASSWORD):
        """Log in as a person does: the form, its CSRF token, the password check."""
        login = user if isinstance(user, str) else user.login
        r = self.post("/login", {"login": login, "password": password})
        assert r.status_code == 302, r.get_data(as_text=True)
        return r

    def logout(self):
        return self.post("/logout")

    def english(self) -> "Browser":
        """Switch to English, so that assertions read the source strings."""
        self.post("/lang", {"lang": "en"})
        return self

    def text(self, path: str, status: int = 200) -> str:
        r = self.get(path)
        assert r.status_code == status, (path, r.status_code, r.headers.get("Location"))
        return r.get_data(as_text=True)

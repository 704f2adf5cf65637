"""A browser-like test client: keeps the session and sends the page's CSRF token with every form."""
from __future__ import annotations

import re

from tests.factories import PASSWORD

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


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

    def login(self, user, password: str = PASSWORD):
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

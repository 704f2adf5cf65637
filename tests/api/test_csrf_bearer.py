"""A session cookie wins over a bearer header, so such a write still needs its CSRF token."""
from tests.factories import PASSWORD


def test_a_cookie_write_with_a_junk_bearer_header_still_needs_csrf(app, make, client):
    admin = make.street_admin()
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    r = client.post("/login", data={"login": admin.login, "password": PASSWORD, "csrf_token": token})
    assert r.status_code in (302, 303)
    r = client.post("/api/v1/admin/communities", json={"name": "芳城东里社区"},
                    headers={"Authorization": "Bearer junk"})
    assert r.status_code == 400 and r.json["error"]["code"] == "bad_request"


def test_behind_one_proxy_the_client_address_comes_from_x_forwarded_for(_backend_app):
    from courtyard import create_app
    from courtyard.config import TestConfig
    app = create_app(TestConfig(_backend_app.config["SQLALCHEMY_DATABASE_URI"], PROXY_HOPS=1))
    seen = {}

    @app.get("/_addr")
    def addr():
        from flask import request
        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get("/_addr", headers={"X-Forwarded-For": "10.1.2.3"})
    assert seen["addr"] == "10.1.2.3"

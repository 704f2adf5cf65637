"""CONTRACT §3 for API clients: tokens, one answer for every failed login, throttling, CSRF."""
from __future__ import annotations

import re

import pytest

from ..factories import PASSWORD
from .conftest import assert_error


def token_for(api, login, password=PASSWORD, address="10.0.0.1"):
    return api.post("/auth/token", {"login": login, "password": password},
                    environ_base={"REMOTE_ADDR": address})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# --- token lifecycle -----------------------------------------------------------------------

def test_token_lifecycle(api, make):
    user = make.user("zhangli", phone="13812341234")
    r = token_for(api, "ZhangLi")  # logins are not case-sensitive
    assert r.status_code == 201
    body = r.get_json()
    assert set(body) == {"token", "user"} and body["user"]["login"] == "zhangli"
    assert body["user"]["phone"] == "13812341234"  # one's own number, in full
    token = body["token"]
    assert api.get("/me", headers=bearer(token)).get_json()["id"] == user.id
    assert api.delete("/auth/token", headers=bearer(token)).status_code == 200
    assert_error(api.get("/me", headers=bearer(token)), 401)
    assert_error(api.delete("/auth/token", headers=bearer(token)), 401)


def test_revoking_one_token_leaves_the_others(api, make):
    make.user("zhangli")
    first, second = (token_for(api, "zhangli").get_json()["token"] for _ in range(2))
    assert first != second
    api.delete("/auth/token", headers=bearer(first))
    assert_error(api.get("/me", headers=bearer(first)), 401)
    assert api.get("/me", headers=bearer(second)).status_code == 200


def test_malformed_authorization_is_unauthenticated(api):
    for header in ["Bearer", "Bearer ", "Bearer x" * 300, "Basic emhhbmdsaTpwdw==", "Token abc"]:
        assert_error(api.get("/me", headers={"Authorization": header}), 401)


def test_deactivated_account_loses_its_tokens(api, make):
    from courtyard.extensions import db
    user = make.user("zhangli")
    token = token_for(api, "zhangli").get_json()["token"]
    user.is_active_account = False
    db.session.commit()
    assert_error(api.get("/me", headers=bearer(token)), 401)
    assert_error(token_for(api, "zhangli"), 401)


def test_unknown_login_and_wrong_password_get_the_same_answer(api, make):
    make.user("zhangli")
    wrong_password = token_for(api, "zhangli", "not-the-password")
    unknown_login = token_for(api, "nobody-here", "not-the-password")
    assert_error(wrong_password, 401)
    assert (wrong_password.status_code, wrong_password.get_json()) == \
        (unknown_login.status_code, unknown_login.get_json())


def test_token_request_needs_both_fields(api):
    for body, field in [
        ({"password": PASSWORD}, "login"),
        ({"login": "zhangli"}, "password"),
        ({"login": "zhangli", "password": 12345678}, "password"),
        ({"login": "zhang\x00li", "password": PASSWORD}, "login"),
    ]:
        assert_error(api.post("/auth/token", body), 422, field)


# --- throttling: failures only, per login and per address ----------------------------------

@pytest.fixture
def small_budgets(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_LOGIN", "3/15 minutes")
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "5/15 minutes")


def _assert_throttled(r):
    assert_error(r, 429)
    assert int(r.headers["Retry-After"]) > 0


def test_failures_are_counted_per_login(api, make, small_budgets):
    make.user("zhangli")
    make.user("lisi")
    for i in range(3):  # from three different addresses: the login's own budget
        assert_error(token_for(api, "zhangli", "wrong", address=f"10.0.1.{i}"), 401)
    _assert_throttled(token_for(api, "zhangli", "wrong", address="10.0.1.9"))
    # the right password is never throttled …
    assert token_for(api, "zhangli", address="10.0.1.10").status_code == 201
    # … and someone else's login is not affected
    assert_error(token_for(api, "lisi", "wrong", address="10.0.1.11"), 401)


def test_failures_are_counted_per_address_yet_a_correct_login_gets_through(api, make, small_budgets):
    make.user("zhangli")
    centre = "10.0.2.1"  # a community centre: many people, one address
    for i in range(5):
        assert_error(token_for(api, f"typo{i}", "wrong", address=centre), 401)
    _assert_throttled(token_for(api, "someone-else", "wrong", address=centre))
    _assert_throttled(token_for(api, "zhangli", "wrong", address=centre))
    assert token_for(api, "zhangli", address=centre).status_code == 201
    # another address still gets the plain answer
    assert_error(token_for(api, "someone-else", "wrong", address="10.0.2.2"), 401)


def test_unknown_logins_are_throttled_like_known_ones(api, make, small_budgets):
    make.user("zhangli")
    for _ in range(3):
        token_for(api, "zhangli", "wrong", address="10.0.3.1")
        token_for(api, "nobody", "wrong", address="10.0.3.2")
    known = token_for(api, "zhangli", "wrong", address="10.0.3.3")
    unknown = token_for(api, "nobody", "wrong", address="10.0.3.4")
    _assert_throttled(known)
    assert known.get_json() == unknown.get_json() and known.status_code == unknown.status_code


def test_the_login_form_and_the_api_share_one_budget(api, client, make, small_budgets):
    make.user("zhangli")
    token = META.search(client.get("/login").get_data(as_text=True)).group(1)
    for _ in range(3):
        r = client.post("/login", data={"login": "zhangli", "password": "wrong", "csrf_token": token},
                        environ_base={"REMOTE_ADDR": "10.0.4.1"})
        assert r.status_code >= 400
    _assert_throttled(token_for(api, "zhangli", "wrong", address="10.0.4.2"))
    assert token_for(api, "zhangli", address="10.0.4.3").status_code == 201


# --- CSRF: cookie-authenticated writes need the token, bearer ones do not ------------------

META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def cookie_login(client, login):
    """Log in through the real form; returns the page's CSRF token (what static/js sends)."""
    page = client.get("/login").get_data(as_text=True)
    token = META.search(page).group(1)
    r = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:300]
    return token


def test_cookie_writes_need_the_csrf_header(client, make):
    make.street_admin("admin")
    token = cookie_login(client, "admin")
    assert client.get("/api/v1/me").get_json()["login"] == "admin"  # reads need none
    assert_error(client.post("/api/v1/admin/communities", json={"name": "芳古园一区社区"}), 400)
    assert_error(client.post("/api/v1/admin/communities", json={"name": "芳古园一区社区"},
                             headers={"X-CSRFToken": "forged"}), 400)
    r = client.post("/api/v1/admin/communities", json={"name": "芳古园一区社区"}, headers={"X-CSRFToken": token})
    assert r.status_code == 201, r.get_json()
    assert_error(client.delete("/api/v1/auth/token"), 400)


def test_bearer_writes_need_no_csrf(api, make):
    make.street_admin("admin")
    token = token_for(api, "admin").get_json()["token"]
    r = api.post("/admin/communities", {"name": "芳古园一区社区"}, headers=bearer(token))
    assert r.status_code == 201


def test_no_identity_at_all_is_unauthenticated_not_a_csrf_error(api):
    assert_error(api.post("/admin/communities", {"name": "x"}), 401)
